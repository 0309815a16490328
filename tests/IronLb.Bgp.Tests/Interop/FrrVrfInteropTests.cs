using System.Net;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;
using IronLb.Testing;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>
/// One router address twice for one node, reached through two devices (MetalLB: the same router in two VRFs): both
/// sessions run, each out of its own device, against a real FRR on each side.
/// </summary>
[Collection(Lab.Collection)]
public sealed class FrrVrfInteropTests
{
    // Passive: the speaker's listener hears the default VRF only, and a plain interface (used where the kernel has no
    // VRF module) is in the default VRF, so the twin's own connection would reach the wrong session.
    private static string Config(int asn) => $"""
        router bgp {asn}
         bgp router-id 192.0.2.{asn - 64490}
         no bgp ebgp-requires-policy
         timers bgp 3 9
         neighbor {Lab.NodeV4(1)} remote-as 64501
         neighbor {Lab.NodeV4(1)} passive

        """;

    private static BgpPeerSettings Peer(string name, uint asn, string? device) => new()
    {
        Name = name,
        LocalAsn = 64501,
        PeerAsn = asn,
        PeerAddress = IPAddress.Parse(Lab.RouterV4),
        RouterId = 0xC000020B,
        HoldTime = TimeSpan.FromSeconds(9),
        KeepaliveTime = TimeSpan.FromSeconds(3),
        ConnectRetryTime = TimeSpan.FromSeconds(1),
        Families = [BgpFamily.Ipv4Unicast],
        BindDevice = device,
    };

    [LabFact]
    public async Task SetPeersAsync_SameRouterAddressThroughTwoDevices_EachRouterGetsItsOwnRoutes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var lab = new Lab(1);
        lab.StartFrr(Config(64500));
        var twin = lab.AddTwinRouter(1);

        // A VRF device where the kernel has one; otherwise the interface itself, which SO_BINDTODEVICE takes alike.
        var device = lab.TryAddVrf(1, "eth1", "red", 10) ? "red" : "eth1";
        using var twinFrr = new FrrRouter(twin, Path.Combine(lab.Dir, "frr2"));
        twinFrr.Start(Config(64510));

        await using var node = new NodeSpeaker(lab, 1, listen: false);
        var speaker = node.Speaker;
        speaker.SetAnnouncements(
        [
            new PeerAnnouncement(new Announcement(IPNetwork.Parse("203.0.113.60/32"), RouteAttributes.Default), ["main"]),
            new PeerAnnouncement(new Announcement(IPNetwork.Parse("203.0.113.61/32"), RouteAttributes.Default), ["red"]),
        ]);
        await speaker.SetPeersAsync([Peer("main", 64500, null), Peer("red", 64510, device)], cts.Token);

        await speaker.Peer(IPAddress.Parse(Lab.RouterV4))!.WaitForAsync(s => s.State == BgpState.Established, cts.Token);
        await speaker.Peer(IPAddress.Parse(Lab.RouterV4), device)!.WaitForAsync(s => s.State == BgpState.Established, cts.Token);
        Assert.True(await Lab.EventuallyAsync(() => lab.BgpPaths("ipv4", "203.0.113.60/32").Count == 1, TimeSpan.FromSeconds(20), cts.Token), lab.Vtysh("show bgp ipv4 unicast"));
        Assert.True(await Lab.EventuallyAsync(() => (twinFrr.VtyshJson("show bgp ipv4 unicast 203.0.113.61/32 json")["paths"]?.AsArray().Count ?? 0) == 1, TimeSpan.FromSeconds(20), cts.Token), twinFrr.Vtysh("show bgp ipv4 unicast"));

        // Each router learnt only what was meant for it, and from the node's address on its own link.
        Assert.Empty(lab.BgpPaths("ipv4", "203.0.113.61/32"));
        Assert.Null(twinFrr.VtyshJson("show bgp ipv4 unicast 203.0.113.60/32 json")["paths"]);
        Assert.Equal(64501, twinFrr.VtyshJson($"show bgp neighbors {Lab.NodeV4(1)} json")[Lab.NodeV4(1)]?["remoteAs"]?.GetValue<int>());
    }
}
