using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using IronLb.Bgp.Bfd;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>
/// eBGP to a router two hops away: the session needs the ebgpMultiHop TTL, and the default TTL of 1 must not reach.
/// With a BFD profile it runs multi-hop BFD (RFC 5883) with FRR's bfdd: UDP 4784, sessions keyed by both addresses,
/// our packets leave with TTL 255 and FRR's arrive with 254, which the profile's minimum TTL must allow.
/// </summary>
[Collection(Lab.Collection)]
public sealed class FrrMultihopInteropTests(ITestOutputHelper output)
{
    private const string FarNode = "198.51.100.10";
    private const string BfdPrefix = "203.0.113.70";
    private static readonly IPAddress Router = IPAddress.Parse(Lab.RouterV4);

    private static readonly string Config = $"""
        router bgp {Lab.RouterAsn}
         bgp router-id {Lab.RouterV4}
         no bgp ebgp-requires-policy
         timers bgp 3 9
         neighbor {FarNode} remote-as 64501
         neighbor {FarNode} ebgp-multihop 2
         neighbor {FarNode} timers connect 1

        """;

    private static readonly string BfdConfig = Config.TrimEnd() + $"\n neighbor {FarNode} bfd\n";

    private static readonly string BfddConfig = $"""
        bfd
         peer {FarNode} multihop local-address {Lab.RouterV4}
         !
        !

        """;

    private static BgpPeerSettings Peer(int? ttl, BfdSettings? bfd = null) => new()
    {
        LocalAsn = 64501,
        PeerAsn = Lab.RouterAsn,
        PeerAddress = IPAddress.Parse(Lab.RouterV4),
        SourceAddress = IPAddress.Parse(FarNode),
        RouterId = 0xC6336410,
        HoldTime = TimeSpan.FromSeconds(9),
        ConnectRetryTime = TimeSpan.FromSeconds(1),
        Families = [BgpFamily.Ipv4Unicast],
        KeepaliveTime = TimeSpan.FromSeconds(3),
        EbgpMultihopTtl = ttl,
        Bfd = bfd,
    };

    [LabFact]
    public async Task EbgpMultihop_TtlTwo_EstablishesAndFrrInstallsTheRoute()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab();
        lab.AddFarNode(4);
        lab.StartFrr(Config);
        using var sockets = new NetnsSocketFactory(lab.Node(4));

        // Our listener is off so that every connection is ours and carries our TTL.
        await using var speaker = new BgpSpeaker(new BgpSpeakerSettings { ListenEndpoint = null }, sockets, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.SetAnnouncements([new PeerAnnouncement(new Announcement(IPNetwork.Parse("203.0.113.60/32"), RouteAttributes.Default), [])]);
        await speaker.SetPeersAsync([Peer(2)], cts.Token);

        await speaker.Peer(IPAddress.Parse(Lab.RouterV4))!.WaitForAsync(s => s.State == BgpState.Established, cts.Token);
        Assert.True(await Lab.EventuallyAsync(() => Lab.Run("ip", "-n", lab.Rtr, "route", "show", "203.0.113.60").Contains("192.0.2.5", StringComparison.Ordinal), TimeSpan.FromSeconds(20), cts.Token),
            lab.Vtysh("show bgp ipv4 unicast"));
    }

    [LabFact]
    public async Task EbgpMultihop_NotConfigured_TtlOneNeverReaches()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab();
        lab.AddFarNode(4);
        lab.StartFrr(Config);
        using var sockets = new NetnsSocketFactory(lab.Node(4));
        await using var speaker = new BgpSpeaker(new BgpSpeakerSettings { ListenEndpoint = null }, sockets, TimeProvider.System, NullLoggerFactory.Instance);
        await speaker.SetPeersAsync([Peer(null)], cts.Token);

        // The SYN dies at the middle hop, so no connection ever gets as far as OpenSent.
        var reached = await Lab.EventuallyAsync(() => speaker.Status()[0].State >= BgpState.OpenSent, TimeSpan.FromSeconds(4), cts.Token);

        Assert.False(reached);
    }

    private static JsonNode? FrrBfdPeer(Lab lab) =>
        (lab.VtyshJson("show bfd peers json") as JsonArray)?.FirstOrDefault(p => p?["peer"]?.GetValue<string>() == FarNode);

    private static string Route(Lab lab) => Lab.Run("ip", "-n", lab.Rtr, "route", "show", BfdPrefix);

    private static async Task<(BgpSpeaker Speaker, NetnsSocketFactory Sockets)> StartAsync(Lab lab, BfdSettings bfd, CancellationToken ct)
    {
        var sockets = new NetnsSocketFactory(lab.Node(4));

        // Our listener is off so that every connection is ours and carries our TTL.
        var speaker = new BgpSpeaker(new BgpSpeakerSettings { ListenEndpoint = null }, sockets, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.SetAnnouncements([new PeerAnnouncement(new Announcement(IPNetwork.Parse(BfdPrefix + "/32"), RouteAttributes.Default), [])]);
        await speaker.SetPeersAsync([Peer(2, bfd)], ct);
        return (speaker, sockets);
    }

    [LabFact]
    public async Task EbgpMultihopWithBfd_TwoHops_BothSidesUpAndACutLinkTakesTheRouteAway()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var lab = new Lab();
        lab.AddFarNode(4);
        lab.StartFrr(BfdConfig, bfd: true, BfddConfig);
        var (speaker, sockets) = await StartAsync(lab, new BfdSettings(), cts.Token);
        await using (speaker)
        using (sockets)
        {
            var ours = speaker.Peer(Router)!;
            await ours.WaitForAsync(s => s.State == BgpState.Established, cts.Token);
            Assert.True(await Lab.EventuallyAsync(() => Route(lab).Contains("192.0.2.5", StringComparison.Ordinal), TimeSpan.FromSeconds(20), cts.Token), lab.Vtysh("show bgp ipv4 unicast"));
            Assert.True(await Lab.EventuallyAsync(() => speaker.BfdState(Router) == BfdState.Up, TimeSpan.FromSeconds(20), cts.Token), $"our BFD: {speaker.BfdState(Router)}");
            Assert.True(await Lab.EventuallyAsync(() => FrrBfdPeer(lab)?["status"]?.GetValue<string>() == "up", TimeSpan.FromSeconds(20), cts.Token), lab.Vtysh("show bfd peers"));
            var frrPeer = FrrBfdPeer(lab)!;
            Assert.True(frrPeer["multihop"]?.GetValue<bool>());
            Assert.Equal(FarNode, frrPeer["peer"]?.GetValue<string>());

            // Cut the transit router off the LAN: neither side hears the other any more.
            var cut = Stopwatch.StartNew();
            lab.SetNodeLink(9, up: false);
            var left = await Lab.EventuallyAsync(() => Route(lab).Length == 0, TimeSpan.FromSeconds(6), cts.Token);
            var routeGone = cut.Elapsed;
            var dropped = await Lab.EventuallyAsync(() => ours.Status.State != BgpState.Established, TimeSpan.FromSeconds(6), cts.Token);
            var sessionDown = cut.Elapsed;

            // Bounded well under the 9 s hold time, so only BFD can have done it; the figures are printed, not asserted.
            Assert.True(left, Route(lab));
            Assert.True(dropped, $"our session: {ours.Status}; our BFD: {speaker.BfdState(Router)}");
            output.WriteLine($"multi-hop BFD: route left FRR's kernel table {routeGone.TotalMilliseconds:F0} ms after the cut; our session dropped after {sessionDown.TotalMilliseconds:F0} ms");
        }
    }

    [LabFact]
    public async Task MinimumTtlAboveWhatArrives_FrrPacketsRefused_BfdNeverUp()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab();
        lab.AddFarNode(4);
        lab.StartFrr(BfdConfig, bfd: true, BfddConfig);

        // FRR's packets leave with TTL 255 and arrive with 254 after the transit hop: a minimum of 255 refuses them.
        var (speaker, sockets) = await StartAsync(lab, new BfdSettings { MinimumTtl = 255 }, cts.Token);
        await using (speaker)
        using (sockets)
        {
            await speaker.Peer(Router)!.WaitForAsync(s => s.State == BgpState.Established, cts.Token);
            var up = await Lab.EventuallyAsync(() => speaker.BfdState(Router) != BfdState.Down, TimeSpan.FromSeconds(4), cts.Token);

            Assert.False(up, $"our BFD: {speaker.BfdState(Router)}");
            Assert.NotEqual("up", FrrBfdPeer(lab)?["status"]?.GetValue<string>());
        }
    }
}
