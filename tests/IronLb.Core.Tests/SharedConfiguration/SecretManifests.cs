using IronLb.Core.Configuration;
using IronLb.Core.Tests.Configuration;

namespace IronLb.Core.Tests.SharedConfiguration;

/// <summary>A configuration with one peer whose password is in a Secret and one that writes it in clear.</summary>
internal static class SecretManifests
{
    public const string SecretPassword = "Tor-V4-md5-Xq7!";
    public const string InlinePassword = "Inline-md5-Zk9?";

    public static string Yaml(string secretPassword = SecretPassword, string inlinePassword = InlinePassword) => $$"""
        {{TestManifests.Pool}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: { name: tor-password, namespace: metallb-system }
        type: kubernetes.io/basic-auth
        stringData: { password: "{{secretPassword}}" }
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: { name: tor-secret, namespace: metallb-system }
        spec:
          myASN: 64500
          peerASN: 64501
          peerAddress: 192.0.2.1
          passwordSecret: { name: tor-password }
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: { name: tor-inline, namespace: metallb-system }
        spec:
          myASN: 64500
          peerASN: 64501
          peerAddress: 192.0.2.2
          password: "{{inlinePassword}}"
        """;

    public static ClusterConfiguration Load(string secretPassword = SecretPassword, string inlinePassword = InlinePassword) =>
        TestManifests.Load(Yaml(secretPassword, inlinePassword));

    /// <summary>Every form a password could be written in: clear text, and base64 as a Secret's data holds it.</summary>
    public static IEnumerable<byte[]> Forms(string password) =>
    [
        System.Text.Encoding.UTF8.GetBytes(password),
        System.Text.Encoding.UTF8.GetBytes(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(password))),
    ];

    /// <summary>True when <paramref name="haystack"/> holds any form of either password.</summary>
    public static bool Leaks(ReadOnlySpan<byte> haystack)
    {
        foreach (var form in Forms(SecretPassword).Concat(Forms(InlinePassword)))
        {
            if (haystack.IndexOf(form) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
