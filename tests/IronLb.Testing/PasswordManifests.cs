using System.Text;

namespace IronLb.Testing;

/// <summary>BGPPeers with known passwords, for the tests that look for those passwords where they must not be.</summary>
public static class PasswordManifests
{
    /// <summary>
    /// Secret metallb-system/<paramref name="prefix"/>-password (kubernetes.io/basic-auth) holding
    /// <paramref name="secretPassword"/>; BGPPeer <paramref name="prefix"/>-secret (192.0.2.1) using it through
    /// passwordSecret; BGPPeer <paramref name="prefix"/>-inline (192.0.2.2) with <paramref name="inlinePassword"/> in clear.
    /// </summary>
    public static string Yaml(string prefix, string secretPassword, string inlinePassword) => $$$"""
        apiVersion: v1
        kind: Secret
        metadata: {name: {{{prefix}}}-password, namespace: metallb-system}
        type: kubernetes.io/basic-auth
        stringData: {password: "{{{secretPassword}}}"}
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {name: {{{prefix}}}-secret, namespace: metallb-system}
        spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1, routerID: 192.0.2.11, passwordSecret: {name: {{{prefix}}}-password}}
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {name: {{{prefix}}}-inline, namespace: metallb-system}
        spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.2, routerID: 192.0.2.11, password: "{{{inlinePassword}}}"}
        """;

    /// <summary>The first of <paramref name="passwords"/> that <paramref name="text"/> holds, in clear or in base64 (as a Secret's data holds it); null when none.</summary>
    public static string? FindAny(ReadOnlySpan<byte> text, params string[] passwords)
    {
        foreach (var password in passwords)
        {
            var clear = Encoding.UTF8.GetBytes(password);
            if (text.IndexOf(clear) >= 0 || text.IndexOf(Encoding.UTF8.GetBytes(Convert.ToBase64String(clear))) >= 0)
            {
                return password;
            }
        }

        return null;
    }
}
