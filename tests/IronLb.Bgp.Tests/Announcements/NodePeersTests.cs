using System.Net;
using IronLb.Bgp.Announcements;
using IronLb.Bgp.Protocol;
using IronLb.Core.Configuration;

namespace IronLb.Bgp.Tests.Announcements;

public class NodePeersTests
{
    private static ClusterConfiguration Load(string yaml)
    {
        var result = ManifestLoader.Parse(yaml, "test.yaml");
        Assert.Empty(result.Errors);
        return result.Configuration;
    }

    private const string Nodes = """
        apiVersion: v1
        kind: Node
        metadata: {name: node1, labels: {rack: a}}
        status: {addresses: [{type: InternalIP, address: 192.0.2.11}]}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: node2, labels: {rack: b}}
        status: {addresses: [{type: InternalIP, address: 192.0.2.12}]}
        """;

    [Fact]
    public void For_PeerFields_MappedAsMetalLbReadsThem()
    {
        var configuration = Load(Nodes + """

            ---
            apiVersion: metallb.io/v1beta1
            kind: BFDProfile
            metadata: {name: fast, namespace: metallb-system}
            spec: {receiveInterval: 100, transmitInterval: 150, detectMultiplier: 4, passiveMode: true, minimumTtl: 250}
            ---
            apiVersion: metallb.io/v1beta2
            kind: BGPPeer
            metadata: {name: tor, namespace: metallb-system}
            spec:
              myASN: 64501
              peerASN: 64500
              peerAddress: 198.51.100.1
              peerPort: 1179
              sourceAddress: 192.0.2.11
              holdTime: 30s
              connectTime: 3s
              password: s3cret
              ebgpMultiHop: true
              enableGracefulRestart: true
              bfdProfile: fast
            """);

        var peer = Assert.Single(NodePeers.For("node1", configuration, out var problems));

        Assert.Empty(problems);
        Assert.Equal("tor", peer.Name);
        Assert.Equal((64501u, 64500u), (peer.LocalAsn, peer.PeerAsn));
        Assert.Equal(IPAddress.Parse("198.51.100.1"), peer.PeerAddress);
        Assert.Equal(1179, peer.PeerPort);
        Assert.Equal(IPAddress.Parse("192.0.2.11"), peer.SourceAddress);
        Assert.Equal(0xC000020Bu, peer.RouterId);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3)), (peer.HoldTime, peer.KeepaliveTime, peer.ConnectRetryTime));
        Assert.Equal("s3cret", peer.Password);
        Assert.Equal(255, peer.EbgpMultihopTtl);
        Assert.Null(peer.BindDevice);
        Assert.True(peer.GracefulRestart);
        Assert.Equal([BgpFamily.Ipv4Unicast], peer.Families);
        Assert.Equal((TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(100), (byte)4), (peer.Bfd!.DesiredMinTx, peer.Bfd.RequiredMinRx, peer.Bfd.DetectMultiplier));
        Assert.Equal((true, (byte)250), (peer.Bfd.Passive, peer.Bfd.MinimumTtl));
    }

    [Fact]
    public void For_BfdProfileWithEchoMode_EchoIntervalBothWaysAndNotSupportedOverMultihop()
    {
        var configuration = Load(Nodes + """

            ---
            apiVersion: metallb.io/v1beta1
            kind: BFDProfile
            metadata: {name: echo, namespace: metallb-system}
            spec: {echoMode: true, echoInterval: 50}
            ---
            apiVersion: metallb.io/v1beta2
            kind: BGPPeer
            metadata: {name: tor, namespace: metallb-system}
            spec: {myASN: 64501, peerASN: 64500, peerAddress: 192.0.2.1, bfdProfile: echo}
            ---
            apiVersion: metallb.io/v1beta2
            kind: BGPPeer
            metadata: {name: far, namespace: metallb-system}
            spec: {myASN: 64501, peerASN: 64500, peerAddress: 198.51.100.1, bfdProfile: echo, ebgpMultiHop: true}
            """);

        var peers = NodePeers.For("node1", configuration, out var problems);

        var tor = peers.Single(p => p.Name == "tor").Bfd!;
        Assert.Equal((TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)), (tor.EchoTransmitInterval, tor.RequiredMinEchoRx));
        Assert.Equal((false, (byte)254), (tor.Passive, tor.MinimumTtl));
        Assert.Equal(2, peers.Count);
        Assert.Equal("BGPPeer/far: BFDProfile/echo echoMode is not supported on a multi-hop session; BFD runs with control packets only", Assert.Single(problems));
    }

    [Fact]
    public void For_NodeSelectors_OnlySelectedNodesPeer()
    {
        var configuration = Load(Nodes + """

            ---
            apiVersion: metallb.io/v1beta2
            kind: BGPPeer
            metadata: {name: rack-a, namespace: metallb-system}
            spec:
              myASN: 64501
              peerASN: 64500
              peerAddress: 192.0.2.1
              nodeSelectors: [{matchLabels: {rack: a}}]
            """);

        Assert.Single(NodePeers.For("node1", configuration, out _));
        Assert.Empty(NodePeers.For("node2", configuration, out _));
    }

    [Fact]
    public void For_SameConfigurationTwice_EqualSettingsSoSessionsAreNotRestarted()
    {
        const string Peer = """

            ---
            apiVersion: metallb.io/v1beta2
            kind: BGPPeer
            metadata: {name: v6, namespace: metallb-system}
            spec: {myASN: 64501, peerASN: 64500, peerAddress: "2001:db8:1::1", dualStackAddressFamily: true}
            """;

        var first = NodePeers.For("node1", Load(Nodes + Peer), out _);
        var second = NodePeers.For("node1", Load(Nodes + Peer), out _);

        Assert.Equal(first, second);
        Assert.Equal([BgpFamily.Ipv4Unicast, BgpFamily.Ipv6Unicast], first[0].Families);
    }

    [Fact]
    public void For_PasswordSecretAndDynamicInternalAsn_Resolved()
    {
        var configuration = Load(Nodes + """

            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: bgp-auth, namespace: metallb-system}
            type: kubernetes.io/basic-auth
            stringData: {password: from-secret}
            ---
            apiVersion: metallb.io/v1beta2
            kind: BGPPeer
            metadata: {name: ibgp, namespace: metallb-system}
            spec:
              myASN: 64501
              dynamicASN: internal
              peerAddress: 192.0.2.1
              passwordSecret: {name: bgp-auth}
            """);

        var peer = Assert.Single(NodePeers.For("node1", configuration, out _));

        Assert.Equal(64501u, peer.PeerAsn);
        Assert.True(peer.IsInternal);
        Assert.Equal("from-secret", peer.Password);
    }

    [Fact]
    public void For_DynamicAsnExternal_AcceptsAnyOtherAsAndIsExternal()
    {
        var configuration = Load(Nodes + """

            ---
            apiVersion: metallb.io/v1beta2
            kind: BGPPeer
            metadata: {name: tor, namespace: metallb-system}
            spec: {myASN: 64501, dynamicASN: external, peerAddress: 192.0.2.1}
            """);

        var peer = Assert.Single(NodePeers.For("node1", configuration, out var problems));

        Assert.Empty(problems);
        Assert.True(peer.AnyExternalPeerAs);
        Assert.False(peer.IsInternal);
        Assert.True(peer.AcceptsPeerAs(64500));
        Assert.True(peer.AcceptsPeerAs(4_200_000_000));
        Assert.False(peer.AcceptsPeerAs(64501));
    }

    [Fact]
    public void For_NoRouterIdAnywhere_PeerLeftOutWithReason()
    {
        var configuration = Load("""
            apiVersion: metallb.io/v1beta2
            kind: BGPPeer
            metadata: {name: v6only, namespace: metallb-system}
            spec: {myASN: 64501, peerASN: 64500, peerAddress: "2001:db8:1::1"}
            """);

        var peers = NodePeers.For("node9", configuration, [new HostAddress(IPAddress.Loopback, true), new HostAddress(IPAddress.Parse("2001:db8:1::11"), false)], out var problems);

        Assert.Empty(peers);
        Assert.Contains("BGPPeer/v6only: no router ID", Assert.Single(problems), StringComparison.Ordinal);
    }

    private const string Ipv6OnlyNode = """
        apiVersion: v1
        kind: Node
        metadata: {name: v6node}
        status: {addresses: [{type: InternalIP, address: "2001:db8:1::11"}]}
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {name: v6, namespace: metallb-system}
        spec: {myASN: 64501, peerASN: 64500, peerAddress: "2001:db8:1::1"}
        """;

    [Fact]
    public void For_NodeWithoutIpv4InternalIp_HighestInterfaceIpv4AsFrrWouldPick()
    {
        HostAddress[] host = [new(IPAddress.Loopback, true), new(IPAddress.Parse("192.0.2.200"), false), new(IPAddress.Parse("198.51.100.7"), false), new(IPAddress.Parse("2001:db8:1::11"), false)];

        var peer = Assert.Single(NodePeers.For("v6node", Load(Ipv6OnlyNode), host, out var problems));

        Assert.Empty(problems);
        Assert.Equal(0xC6336407u, peer.RouterId);
    }

    [Fact]
    public void For_NodeWithoutIpv4InternalIp_LoopbackAddressPreferred()
    {
        HostAddress[] host = [new(IPAddress.Parse("192.0.2.200"), false), new(IPAddress.Parse("192.0.2.9"), true)];

        var peer = Assert.Single(NodePeers.For("v6node", Load(Ipv6OnlyNode), host, out _));

        Assert.Equal(0xC0000209u, peer.RouterId);
    }

    private static string Peer(string name, string address, string extra = "") => $$"""

        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {name: {{name}}, namespace: metallb-system}
        spec: {myASN: 64501, peerASN: 64500, peerAddress: {{address}}{{extra}}}
        """;

    [Fact]
    public void For_OneAddressInTwoVrfs_BothSessionsRun()
    {
        var configuration = Load(Nodes + Peer("default", "192.0.2.1") + Peer("red", "192.0.2.1", ", vrf: red") + Peer("blue", "192.0.2.1", ", vrf: blue"));

        var peers = NodePeers.For("node1", configuration, out var problems);

        Assert.Empty(problems);
        Assert.Equal([null, "red", "blue"], peers.Select(p => p.BindDevice));
        Assert.All(peers, p => Assert.Equal(IPAddress.Parse("192.0.2.1"), p.PeerAddress));
    }

    [Fact]
    public void For_OneAddressTwiceInOneVrf_FirstRunsAndTheSecondIsReported()
    {
        var configuration = Load(Nodes + Peer("a", "192.0.2.1", ", vrf: red") + Peer("b", "192.0.2.1", ", vrf: red, holdTime: 30s"));

        var peer = Assert.Single(NodePeers.For("node1", configuration, out var problems));

        Assert.Equal("a", peer.Name);
        Assert.Equal("BGPPeer/b: same peerAddress and vrf as BGPPeer/a on this node; only BGPPeer/a runs", Assert.Single(problems));
    }

    [Fact]
    public void For_VrfPeerWithBfdProfile_RunsWithoutBfdAndSaysSo()
    {
        var configuration = Load(Nodes + """

            ---
            apiVersion: metallb.io/v1beta1
            kind: BFDProfile
            metadata: {name: fast, namespace: metallb-system}
            spec: {}
            """ + Peer("red", "192.0.2.1", ", vrf: red, bfdProfile: fast"));

        var peer = Assert.Single(NodePeers.For("node1", configuration, out var problems));

        Assert.Null(peer.Bfd);
        Assert.Equal("BGPPeer/red: bfdProfile is not supported on a vrf peer; the session runs without BFD", Assert.Single(problems));
    }

    [Fact]
    public void For_LocalAsn_IsTheAsThePeerSeesAndMakesDynamicInternalMatchIt()
    {
        var configuration = Load(Nodes + Peer("fixed", "192.0.2.1", ", localASN: 64999") + """

            ---
            apiVersion: metallb.io/v1beta2
            kind: BGPPeer
            metadata: {name: dyn, namespace: metallb-system}
            spec: {myASN: 64501, dynamicASN: internal, peerAddress: 192.0.2.2, localASN: 64999}
            """);

        var peers = NodePeers.For("node1", configuration, out _).ToDictionary(p => p.Name);

        Assert.Equal((64999u, 64500u), (peers["fixed"].LocalAsn, peers["fixed"].PeerAsn));
        Assert.False(peers["fixed"].IsInternal);
        Assert.Equal((64999u, 64999u), (peers["dyn"].LocalAsn, peers["dyn"].PeerAsn));
    }
}
