using System.Net;
using System.Text.Json.Nodes;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>Our speaker, in node namespaces, against a real FRR bgpd in a router namespace.</summary>
[Collection(Lab.Collection)]
public sealed class FrrInteropTests
{
    private const string Password = "ironlb-md5-secret";

    private static readonly string BaseConfig = $"""
        router bgp {Lab.RouterAsn}
         bgp router-id {Lab.RouterV4}
         no bgp ebgp-requires-policy
         no bgp network import-check
         bgp bestpath as-path multipath-relax
         timers bgp 3 9
         neighbor {Lab.NodeV4(1)} remote-as 64501
         neighbor {Lab.NodeV4(1)} timers connect 1
         neighbor {Lab.NodeV4(2)} remote-as 64501
         neighbor {Lab.NodeV4(2)} timers connect 1
         neighbor {Lab.NodeV4(2)} password {Password}
         neighbor {Lab.NodeV4(3)} remote-as {Lab.RouterAsn}
         neighbor {Lab.NodeV4(3)} timers connect 1
         neighbor {Lab.NodeV6(1)} remote-as 64501
         neighbor {Lab.NodeV6(1)} timers connect 1
         address-family ipv4 unicast
          maximum-paths 8
          maximum-paths ibgp 8
          no neighbor {Lab.NodeV6(1)} activate
         exit-address-family
         address-family ipv6 unicast
          maximum-paths 8
          neighbor {Lab.NodeV6(1)} activate
         exit-address-family

        """;

    private static BgpPeerSettings Peer(int node, bool ipv6 = false) => new()
    {
        Name = "rtr",
        LocalAsn = node == 3 ? Lab.RouterAsn : 64501u,
        PeerAsn = Lab.RouterAsn,
        PeerAddress = IPAddress.Parse(ipv6 ? Lab.RouterV6 : Lab.RouterV4),
        RouterId = (uint)(0xC0000200 + 10 + node),
        HoldTime = TimeSpan.FromSeconds(9),
        KeepaliveTime = TimeSpan.FromSeconds(3),
        ConnectRetryTime = TimeSpan.FromSeconds(2),
        Families = ipv6 ? [BgpFamily.Ipv6Unicast] : [BgpFamily.Ipv4Unicast],
        Password = node == 2 ? Password : null,
    };

    private static async Task<(BgpSpeaker Speaker, NetnsSocketFactory Sockets)> StartSpeakerAsync(Lab lab, int node, BgpPeerSettings peer, IReadOnlyCollection<PeerAnnouncement> routes, CancellationToken ct)
    {
        var sockets = new NetnsSocketFactory(lab.Node(node));
        var speaker = new BgpSpeaker(new BgpSpeakerSettings(), sockets, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.Start();
        speaker.SetAnnouncements(routes);
        await speaker.SetPeersAsync([peer], ct);
        await speaker.Peer(peer.PeerAddress)!.WaitForAsync(s => s.State == BgpState.Established, ct);
        return (speaker, sockets);
    }

    private static PeerAnnouncement Route(string prefix, RouteAttributes? attributes = null) => new(new Announcement(IPNetwork.Parse(prefix), attributes ?? RouteAttributes.Default), []);

    private static JsonArray Paths(Lab lab, string prefix, bool ipv6 = false) =>
        lab.VtyshJson($"show bgp {(ipv6 ? "ipv6" : "ipv4")} unicast {prefix} json")["paths"] as JsonArray ?? [];

    [LabFact]
    public async Task Announce_TwoNodesWithCommunities_FrrInstallsEcmpWithBothCommunityKinds()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var lab = new Lab(1, 2);
        lab.StartFrr(BaseConfig);
        var attributes = new RouteAttributes(communities: [RouteAttributes.ParseCommunity("64500:100")], largeCommunities: [RouteAttributes.ParseLargeCommunity("64500:1:2")]);
        PeerAnnouncement[] routes = [Route("203.0.113.10/32", attributes), Route("198.51.100.0/24")];
        var (speaker1, sockets1) = await StartSpeakerAsync(lab, 1, Peer(1), routes, cts.Token);
        var (speaker2, sockets2) = await StartSpeakerAsync(lab, 2, Peer(2), routes, cts.Token);
        await using (speaker1)
        await using (speaker2)
        using (sockets1)
        using (sockets2)
        {
            Assert.True(await Lab.EventuallyAsync(() => Paths(lab, "203.0.113.10/32").Count == 2, TimeSpan.FromSeconds(20), cts.Token), lab.Vtysh("show bgp ipv4 unicast"));

            var path = Paths(lab, "203.0.113.10/32")[0]!;
            Assert.Equal("64500:100", path["community"]?["string"]?.GetValue<string>());
            Assert.Equal("64500:1:2", path["largeCommunity"]?["string"]?.GetValue<string>());
            Assert.Equal(2, Paths(lab, "198.51.100.0/24").Count);

            // ECMP in the kernel: one route with a next hop through each node.
            Assert.True(await Lab.EventuallyAsync(() => Lab.Run("ip", "-n", lab.Rtr, "route", "show", "203.0.113.10").Split("nexthop via").Length == 3, TimeSpan.FromSeconds(10), cts.Token),
                Lab.Run("ip", "-n", lab.Rtr, "route", "show", "203.0.113.10"));
            var route = Lab.Run("ip", "-n", lab.Rtr, "route", "show", "203.0.113.10");
            Assert.Contains(Lab.NodeV4(1), route, StringComparison.Ordinal);
            Assert.Contains(Lab.NodeV4(2), route, StringComparison.Ordinal);
        }
    }

    [LabFact]
    public async Task Md5Password_MatchingFrrNeighborPassword_Establishes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(2);
        lab.StartFrr(BaseConfig);

        var (speaker, sockets) = await StartSpeakerAsync(lab, 2, Peer(2), [Route("203.0.113.12/32")], cts.Token);
        await using (speaker)
        using (sockets)
        {
            Assert.True(await Lab.EventuallyAsync(() => Paths(lab, "203.0.113.12/32").Count == 1, TimeSpan.FromSeconds(20), cts.Token));
            Assert.Equal("Established", lab.VtyshJson($"show bgp neighbors {Lab.NodeV4(2)} json")[Lab.NodeV4(2)]?["bgpState"]?.GetValue<string>());
        }
    }

    [LabFact]
    public async Task DynamicAsnExternal_FrrInItsOwnAs_EstablishesAsEbgpAndLearnsTheRoute()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(1);
        lab.StartFrr(BaseConfig);

        // BGPPeer dynamicASN: external: no peerASN configured; FRR's OPEN names its AS.
        var (speaker, sockets) = await StartSpeakerAsync(lab, 1, Peer(1) with { PeerAsn = 0, AnyExternalPeerAs = true }, [Route("203.0.113.41/32")], cts.Token);
        await using (speaker)
        using (sockets)
        {
            Assert.True(await Lab.EventuallyAsync(() => Paths(lab, "203.0.113.41/32").Count == 1, TimeSpan.FromSeconds(20), cts.Token), lab.Vtysh("show bgp ipv4 unicast"));
            var neighbour = lab.VtyshJson($"show bgp neighbors {Lab.NodeV4(1)} json")[Lab.NodeV4(1)]!;
            Assert.Equal("Established", neighbour["bgpState"]?.GetValue<string>());
            Assert.Equal(64501, neighbour["remoteAs"]?.GetValue<int>());
            Assert.Equal("64501", Paths(lab, "203.0.113.41/32")[0]!["aspath"]?["string"]?.GetValue<string>());
        }
    }

    [LabFact]
    public async Task Md5Password_Missing_NeverEstablishes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(2);
        lab.StartFrr(BaseConfig);
        using var sockets = new NetnsSocketFactory(lab.Node(2));
        await using var speaker = new BgpSpeaker(new BgpSpeakerSettings(), sockets, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.Start();
        await speaker.SetPeersAsync([Peer(2) with { Password = null }], cts.Token);

        // FRR drops unsigned segments, so no connection ever reaches OpenSent: wait out two connect-retry periods.
        var reached = await Lab.EventuallyAsync(() => speaker.Status()[0].State >= BgpState.OpenSent, TimeSpan.FromSeconds(5), cts.Token);

        Assert.False(reached);
    }

    [LabFact]
    public async Task Ipv6Session_HostRoute_InFrrRibAndKernel()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(1);
        lab.StartFrr(BaseConfig);

        var (speaker, sockets) = await StartSpeakerAsync(lab, 1, Peer(1, ipv6: true), [Route("2001:db8:100::10/128"), Route("203.0.113.99/32")], cts.Token);
        await using (speaker)
        using (sockets)
        {
            Assert.True(await Lab.EventuallyAsync(() => Paths(lab, "2001:db8:100::10/128", ipv6: true).Count == 1, TimeSpan.FromSeconds(20), cts.Token), lab.Vtysh("show bgp ipv6 unicast"));
            Assert.True(await Lab.EventuallyAsync(() => Lab.Run("ip", "-n", lab.Rtr, "-6", "route", "show", "2001:db8:100::10").Contains(Lab.NodeV6(1), StringComparison.Ordinal), TimeSpan.FromSeconds(10), cts.Token));

            // The IPv4 route is held back: the session negotiated IPv6 unicast only.
            Assert.Empty(Paths(lab, "203.0.113.99/32"));
        }
    }

    [LabFact]
    public async Task Ibgp_LocalPref_FrrShowsIt()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(3);
        lab.StartFrr(BaseConfig);

        var (speaker, sockets) = await StartSpeakerAsync(lab, 3, Peer(3), [Route("203.0.113.30/32", new RouteAttributes(localPref: 250))], cts.Token);
        await using (speaker)
        using (sockets)
        {
            Assert.True(await Lab.EventuallyAsync(() => Paths(lab, "203.0.113.30/32").Count == 1, TimeSpan.FromSeconds(20), cts.Token));
            Assert.Equal(250, Paths(lab, "203.0.113.30/32")[0]!["locPrf"]?.GetValue<int>());
        }
    }

    [LabFact]
    public async Task StopAsync_Established_RouteLeavesFrrAndFrrSawAdminShutdown()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(1);
        lab.StartFrr(BaseConfig);
        var (speaker, sockets) = await StartSpeakerAsync(lab, 1, Peer(1), [Route("203.0.113.11/32")], cts.Token);
        using (sockets)
        {
            Assert.True(await Lab.EventuallyAsync(() => Paths(lab, "203.0.113.11/32").Count == 1, TimeSpan.FromSeconds(20), cts.Token));

            await speaker.StopAsync(cts.Token);
            await speaker.DisposeAsync();

            Assert.True(await Lab.EventuallyAsync(() => Paths(lab, "203.0.113.11/32").Count == 0, TimeSpan.FromSeconds(10), cts.Token));
            var neighbor = lab.VtyshJson($"show bgp neighbors {Lab.NodeV4(1)} json")[Lab.NodeV4(1)]!;
            Assert.NotEqual("Established", neighbor["bgpState"]?.GetValue<string>());
            Assert.Contains("Cease", neighbor.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [LabFact]
    public async Task BindDevice_NodeInterface_EstablishesOnlyThroughIt()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(1);
        lab.StartFrr(BaseConfig);
        using var sockets = new NetnsSocketFactory(lab.Node(1));
        await using var speaker = new BgpSpeaker(new BgpSpeakerSettings { ListenEndpoint = null }, sockets, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.Start();

        // SO_BINDTODEVICE to lo: the router is not reachable through it, so no connection can open.
        await speaker.SetPeersAsync([Peer(1) with { BindDevice = "lo" }], cts.Token);
        var throughLo = await Lab.EventuallyAsync(() => speaker.Status()[0].State >= BgpState.OpenSent, TimeSpan.FromSeconds(4), cts.Token);
        await speaker.SetPeersAsync([Peer(1) with { BindDevice = "eth0" }], cts.Token);
        await speaker.Peer(IPAddress.Parse(Lab.RouterV4), "eth0")!.WaitForAsync(s => s.State == BgpState.Established, cts.Token);

        Assert.False(throughLo);
    }
}
