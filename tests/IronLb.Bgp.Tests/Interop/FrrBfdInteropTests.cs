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
/// BFD between our speaker and FRR's bfdd: a cut link takes the route away long before the hold timer would. With
/// echo (RFC 5880 §6.4, RFC 5881 §4) on both sides, our echo packets, addressed to ourselves and sent to the router's
/// MAC, come back through its forwarding, and FRR's through the node's (which forwards, as Kubernetes nodes do).
/// </summary>
[Collection(Lab.Collection)]
public sealed class FrrBfdInteropTests(ITestOutputHelper output)
{
    private static readonly string Config = $"""
        router bgp {Lab.RouterAsn}
         bgp router-id {Lab.RouterV4}
         no bgp ebgp-requires-policy
         bgp bestpath as-path multipath-relax
         timers bgp 3 9
         neighbor {Lab.NodeV4(1)} remote-as 64501
         neighbor {Lab.NodeV4(1)} timers connect 1
         neighbor {Lab.NodeV4(1)} bfd
         neighbor {Lab.NodeV4(2)} remote-as 64501
         neighbor {Lab.NodeV4(2)} timers connect 1
         neighbor {Lab.NodeV4(2)} bfd
         address-family ipv4 unicast
          maximum-paths 8
         exit-address-family

        """;

    private const string EchoPrefix = "203.0.113.90";

    private static readonly string EchoBfddConfig = $"""
        bfd
         peer {Lab.NodeV4(1)}
          transmit-interval 1000
          receive-interval 1000
          echo-mode
         !
        !

        """;

    /// <summary>
    /// Echo every 300 ms (detection 900 ms) rather than MetalLB's default 50 ms: on this shared two-core machine, with
    /// the other test projects running beside this one, scheduling pauses flapped sessions at 150 ms detection (about
    /// one run in ten) and at 300 ms (once in a full CI run). Still well under the 3 s control detection, so the cut
    /// below is seen by echo first.
    /// </summary>
    private static readonly BfdSettings EchoProfile = new()
    {
        DesiredMinTx = TimeSpan.FromSeconds(1),
        RequiredMinRx = TimeSpan.FromSeconds(1),
        EchoTransmitInterval = TimeSpan.FromMilliseconds(300),
        RequiredMinEchoRx = TimeSpan.FromMilliseconds(300),
    };

    private static JsonNode? FrrPeer(Lab lab, string command) =>
        (lab.VtyshJson(command) as JsonArray)?.FirstOrDefault(p => p?["peer"]?.GetValue<string>() == Lab.NodeV4(1));


    private static BgpPeerSettings Peer(int node) => new()
    {
        LocalAsn = 64501,
        PeerAsn = Lab.RouterAsn,
        PeerAddress = IPAddress.Parse(Lab.RouterV4),
        RouterId = (uint)(0xC0000200 + 10 + node),
        HoldTime = TimeSpan.FromSeconds(9),
        KeepaliveTime = TimeSpan.FromSeconds(3),
        ConnectRetryTime = TimeSpan.FromSeconds(2),
        Families = [BgpFamily.Ipv4Unicast],
        Bfd = new BfdSettings(),
    };

    private static string Route(Lab lab) => Lab.Run("ip", "-n", lab.Rtr, "route", "show", "203.0.113.10");

    [LabFact]
    public async Task LinkCut_BfdUp_RouteLeavesBeforeHoldTimeAndOurSessionDrops()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var lab = new Lab(1, 2);
        lab.StartFrr(Config, bfd: true);
        PeerAnnouncement[] routes = [new(new Announcement(IPNetwork.Parse("203.0.113.10/32"), RouteAttributes.Default), [])];
        using var sockets1 = new NetnsSocketFactory(lab.Node(1));
        using var sockets2 = new NetnsSocketFactory(lab.Node(2));
        await using var speaker1 = new BgpSpeaker(new BgpSpeakerSettings(), sockets1, TimeProvider.System, NullLoggerFactory.Instance);
        await using var speaker2 = new BgpSpeaker(new BgpSpeakerSettings(), sockets2, TimeProvider.System, NullLoggerFactory.Instance);
        foreach (var (speaker, node) in new[] { (speaker1, 1), (speaker2, 2) })
        {
            speaker.Start();
            speaker.SetAnnouncements(routes);
            await speaker.SetPeersAsync([Peer(node)], cts.Token);
        }

        Assert.True(await Lab.EventuallyAsync(() => Route(lab).Split("nexthop via").Length == 3, TimeSpan.FromSeconds(30), cts.Token), Route(lab));
        Assert.True(await Lab.EventuallyAsync(() => lab.VtyshJson("show bfd peers json") is JsonArray peers && peers.Count(p => p?["status"]?.GetValue<string>() == "up") == 2, TimeSpan.FromSeconds(30), cts.Token),
            lab.Vtysh("show bfd peers"));
        var ours = speaker1.Peer(IPAddress.Parse(Lab.RouterV4))!;
        Assert.True(await Lab.EventuallyAsync(() => speaker1.BfdState(IPAddress.Parse(Lab.RouterV4)) == BfdState.Up, TimeSpan.FromSeconds(10), cts.Token));

        var cut = Stopwatch.StartNew();
        lab.SetNodeLink(1, up: false);
        var left = await Lab.EventuallyAsync(() => Route(lab) is var r && !r.Contains(Lab.NodeV4(1), StringComparison.Ordinal) && r.Contains(Lab.NodeV4(2), StringComparison.Ordinal), TimeSpan.FromSeconds(6), cts.Token);
        var routeGone = cut.Elapsed;
        var dropped = await Lab.EventuallyAsync(() => ours.Status.State != BgpState.Established, TimeSpan.FromSeconds(6), cts.Token);
        var sessionDown = cut.Elapsed;
        Assert.True(dropped, $"our session: {ours.Status}; our BFD: {speaker1.BfdState(IPAddress.Parse(Lab.RouterV4))}");

        // Bounded well under the 9 s hold time, so only BFD can have done it; the figures are printed, not asserted.
        Assert.True(left, Route(lab));
        output.WriteLine($"route left FRR's kernel table {routeGone.TotalMilliseconds:F0} ms after the cut; our session dropped after {sessionDown.TotalMilliseconds:F0} ms");
    }

    [LabFact]
    public async Task Ipv6Session_Bfd_BothSidesUp()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(1);
        lab.StartFrr($"""
            router bgp {Lab.RouterAsn}
             bgp router-id {Lab.RouterV4}
             no bgp ebgp-requires-policy
             neighbor {Lab.NodeV6(1)} remote-as 64501
             neighbor {Lab.NodeV6(1)} timers connect 1
             neighbor {Lab.NodeV6(1)} bfd
             address-family ipv6 unicast
              neighbor {Lab.NodeV6(1)} activate
             exit-address-family

            """, bfd: true);
        using var sockets = new NetnsSocketFactory(lab.Node(1));
        await using var speaker = new BgpSpeaker(new BgpSpeakerSettings(), sockets, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.Start();
        var router = IPAddress.Parse(Lab.RouterV6);
        await speaker.SetPeersAsync([Peer(1) with { PeerAddress = router, Families = [BgpFamily.Ipv6Unicast] }], cts.Token);

        await speaker.Peer(router)!.WaitForAsync(s => s.State == BgpState.Established, cts.Token);
        Assert.True(await Lab.EventuallyAsync(() => speaker.BfdState(router) == BfdState.Up, TimeSpan.FromSeconds(15), cts.Token));
        Assert.True(await Lab.EventuallyAsync(() => lab.VtyshJson("show bfd peers json") is JsonArray peers && peers.Any(p => p?["peer"]?.GetValue<string>() == Lab.NodeV6(1) && p["status"]?.GetValue<string>() == "up"), TimeSpan.FromSeconds(15), cts.Token),
            lab.Vtysh("show bfd peers"));
    }

    [LabFact]
    public async Task PassiveProfile_FrrActive_SessionUpOnBothSides()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(1);
        lab.StartFrr(Config, bfd: true);
        using var sockets = new NetnsSocketFactory(lab.Node(1));
        await using var speaker = new BgpSpeaker(new BgpSpeakerSettings(), sockets, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.Start();
        var router = IPAddress.Parse(Lab.RouterV4);

        // Passive: we wait for FRR's first packet (RFC 5880 §6.1) and answer from then on.
        await speaker.SetPeersAsync([Peer(1) with { Bfd = new BfdSettings { Passive = true } }], cts.Token);

        Assert.True(await Lab.EventuallyAsync(() => speaker.BfdState(router) == BfdState.Up, TimeSpan.FromSeconds(20), cts.Token), $"our BFD: {speaker.BfdState(router)}");
        Assert.True(await Lab.EventuallyAsync(() => lab.VtyshJson("show bfd peers json") is JsonArray peers && peers.Any(p => p?["peer"]?.GetValue<string>() == Lab.NodeV4(1) && p["status"]?.GetValue<string>() == "up"), TimeSpan.FromSeconds(15), cts.Token),
            lab.Vtysh("show bfd peers"));
    }

    [LabFact]
    public async Task EchoModeBothSides_EchoesLoopBothWays_ACutLinkIsDetectedByEcho()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var lab = new Lab(1);
        Lab.Run("ip", "netns", "exec", lab.Node(1), "sysctl", "-qw", "net.ipv4.ip_forward=1");
        lab.StartFrr(Config, bfd: true, EchoBfddConfig);
        using var sockets = new NetnsSocketFactory(lab.Node(1));
        await using var speaker = new BgpSpeaker(new BgpSpeakerSettings(), sockets, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.Start();
        speaker.SetAnnouncements([new PeerAnnouncement(new Announcement(IPNetwork.Parse(EchoPrefix + "/32"), RouteAttributes.Default), [])]);
        var router = IPAddress.Parse(Lab.RouterV4);
        await speaker.SetPeersAsync([Peer(1) with { Bfd = EchoProfile }], cts.Token);
        var session = speaker.Peer(router)!;
        await session.WaitForAsync(s => s.State == BgpState.Established, cts.Token);
        Assert.True(await Lab.EventuallyAsync(() => speaker.BfdPeer(router)?.EchoActive == true, TimeSpan.FromSeconds(20), cts.Token), $"our BFD: {speaker.BfdState(router)}");
        Assert.True(await Lab.EventuallyAsync(() => FrrPeer(lab, "show bfd peers counters json")?["echo-packet-input"]?.GetValue<long>() > 6, TimeSpan.FromSeconds(20), cts.Token),
            lab.Vtysh("show bfd peers counters"));

        // Echo detection is 3 x 300 ms: had echoes not kept coming back either way, the session would flap within
        // these 2 s. Only flaps inside the window count: in one CI run FRR brought its side up twice before it (its
        // counters: session-up 2, session-down 0, one zebra notification more), and we followed its Down, as we should.
        var ours = speaker.BfdPeer(router)!;
        var flapsBefore = ours.Flaps;
        var establishedBefore = session.Status.EstablishedCount;
        var frrBefore = FrrPeer(lab, "show bfd peers counters json")!;
        await Task.Delay(TimeSpan.FromSeconds(2), cts.Token);
        var frr = FrrPeer(lab, "show bfd peers json")!;
        var counters = FrrPeer(lab, "show bfd peers counters json")!;
        output.WriteLine($"before the window: our flaps {flapsBefore}, last down {ours.LastDownDiagnostic}, BGP established {establishedBefore} times; FRR before and after 2 s of echo: {frrBefore.ToJsonString()} {counters.ToJsonString()}");
        Assert.True((ours.State, ours.EchoActive, ours.Flaps) == (BfdState.Up, true, flapsBefore),
            $"ours: {ours.State}, echo {ours.EchoActive}, flaps {flapsBefore} then {ours.Flaps}, last down {ours.LastDownDiagnostic}; FRR: {frr.ToJsonString()}");
        Assert.Equal(establishedBefore, session.Status.EstablishedCount);
        Assert.Equal("up", frr["status"]?.GetValue<string>());
        Assert.True(frr["echo-transmit-interval"]?.GetValue<long>() > 0, frr.ToJsonString());

        // FRR's echoes came back through the node throughout, and ours through FRR's router.
        Assert.Equal(frrBefore["session-down"]?.GetValue<long>(), counters["session-down"]?.GetValue<long>());
        Assert.Equal(frrBefore["session-up"]?.GetValue<long>(), counters["session-up"]?.GetValue<long>());
        Assert.True(counters["echo-packet-input"]?.GetValue<long>() > frrBefore["echo-packet-input"]?.GetValue<long>(), counters.ToJsonString());

        var cut = Stopwatch.StartNew();
        lab.SetNodeLink(1, up: false);
        var dropped = await Lab.EventuallyAsync(() => session.Status.State != BgpState.Established, TimeSpan.FromSeconds(2.5), cts.Token);
        var sessionDown = cut.Elapsed;
        var left = await Lab.EventuallyAsync(() => Lab.Run("ip", "-n", lab.Rtr, "route", "show", EchoPrefix).Length == 0, TimeSpan.FromSeconds(2.5), cts.Token);
        var routeGone = cut.Elapsed;

        // Control detection is 3 s here: the diagnostic says which function saw the loss.
        Assert.True(dropped, $"our session: {session.Status}; our BFD: {ours.State}");
        Assert.Equal(BfdDiagnostic.EchoFunctionFailed, ours.LastDownDiagnostic);
        Assert.Equal(flapsBefore + 1, ours.Flaps);
        Assert.True(left, lab.Vtysh("show bgp ipv4 unicast"));
        output.WriteLine($"echo: our session dropped {sessionDown.TotalMilliseconds:F0} ms after the cut; the route left FRR's kernel table after {routeGone.TotalMilliseconds:F0} ms");
    }
}
