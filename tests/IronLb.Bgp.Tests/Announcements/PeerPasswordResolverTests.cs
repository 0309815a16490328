using IronLb.Bgp.Announcements;
using IronLb.Bgp.Session;
using IronLb.Core.Configuration;
using IronLb.Core.SharedConfiguration;

namespace IronLb.Bgp.Tests.Announcements;

public sealed class PeerPasswordResolverTests
{
    private const string SecretPassword = "from-the-secret";
    private const string InlinePassword = "written-in-clear";

    private static readonly RedactedConfiguration Redacted = ConfigurationRedaction.Redact(Load($$$"""
        apiVersion: v1
        kind: Node
        metadata: {name: node1}
        status: {addresses: [{type: InternalIP, address: 192.0.2.11}]}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: bgp-auth, namespace: metallb-system}
        type: kubernetes.io/basic-auth
        stringData: {password: {{{SecretPassword}}}}
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {name: with-secret, namespace: metallb-system}
        spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.1, passwordSecret: {name: bgp-auth}}
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {name: inline, namespace: metallb-system}
        spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.2, password: {{{InlinePassword}}}}
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {name: open, namespace: metallb-system}
        spec: {myASN: 64500, peerASN: 64501, peerAddress: 192.0.2.3}
        """));

    private static ClusterConfiguration Load(string yaml)
    {
        var result = ManifestLoader.Parse(yaml, "test.yaml");
        Assert.Empty(result.Errors);
        return result.Configuration;
    }

    private static IReadOnlyList<BgpPeerSettings> StoredPeers() => NodePeers.For("node1", Redacted.Stored, out _);

    [Fact]
    public async Task ResolveAsync_SingleHostMemory_EveryPeerGetsItsPassword()
    {
        var memory = new InMemoryPeerPasswords();
        memory.Replace(Redacted.Passwords);
        var problems = new List<string>();

        var peers = await new PeerPasswordResolver(memory).ResolveAsync(StoredPeers(), Redacted.References, problems, CancellationToken.None);

        Assert.Empty(problems);
        Assert.Equal(
            [("with-secret", SecretPassword), ("inline", InlinePassword), ("open", null)],
            peers.Select(p => (p.Name, p.Password)));
    }

    [Fact]
    public async Task ResolveAsync_StoredConfigurationAlone_HasNoPasswordToOpenWith()
    {
        Assert.All(StoredPeers(), p => Assert.Null(p.Password));

        var problems = new List<string>();
        var peers = await new PeerPasswordResolver(source: null).ResolveAsync(StoredPeers(), Redacted.References, problems, CancellationToken.None);

        // A peer that needs a password is never opened without one.
        Assert.Equal(["open"], peers.Select(p => p.Name));
        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Contains("session not opened", p, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResolveAsync_StoreUnreachableAfterARead_KeepsTheLastPassword()
    {
        var store = new ScriptedPasswordStore { Answer = PeerPasswordLookup.Found(SecretPassword) };
        var resolver = new PeerPasswordResolver(store);
        await resolver.ResolveAsync(StoredPeers(), Redacted.References, new List<string>(), CancellationToken.None);
        store.Answer = PeerPasswordLookup.Unreachable("could not be read (Unavailable)");
        var problems = new List<string>();

        var peers = await resolver.ResolveAsync(StoredPeers(), Redacted.References, problems, CancellationToken.None);

        Assert.Equal(SecretPassword, peers.Single(p => p.Name == "with-secret").Password);
        Assert.Contains(problems, p => p.Contains("keeping the one read before", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResolveAsync_SecretGoneAfterARead_PeerLeftOut()
    {
        var store = new ScriptedPasswordStore { Answer = PeerPasswordLookup.Found(SecretPassword) };
        var resolver = new PeerPasswordResolver(store);
        await resolver.ResolveAsync(StoredPeers(), Redacted.References, new List<string>(), CancellationToken.None);
        store.Answer = PeerPasswordLookup.Missing("has no \"password\" key");
        var problems = new List<string>();

        var peers = await resolver.ResolveAsync(StoredPeers(), Redacted.References, problems, CancellationToken.None);

        Assert.DoesNotContain(peers, p => p.Name == "with-secret");
        Assert.Contains(problems, p => p.StartsWith("BGPPeer/with-secret: session not opened", StringComparison.Ordinal));
    }
}
