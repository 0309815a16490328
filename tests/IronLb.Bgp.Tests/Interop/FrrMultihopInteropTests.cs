using System.Net;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>eBGP to a router two hops away: the session needs the ebgpMultiHop TTL, and the default TTL of 1 must not reach.</summary>
[Collection(Lab.Collection)]
public sealed class FrrMultihopInteropTests
{
    private const string FarNode = "198.51.100.10";

    private static readonly string Config = $"""
        router bgp {Lab.RouterAsn}
         bgp router-id {Lab.RouterV4}
         no bgp ebgp-requires-policy
         timers bgp 3 9
         neighbor {FarNode} remote-as 64501
         neighbor {FarNode} ebgp-multihop 2
         neighbor {FarNode} timers connect 1

        """;

    private static BgpPeerSettings Peer(int? ttl) => new()
    {
        LocalAsn = 64501,
        PeerAsn = Lab.RouterAsn,
        PeerAddress = IPAddress.Parse(Lab.RouterV4),
        SourceAddress = IPAddress.Parse(FarNode),
        RouterId = 0xC6336410,
        HoldTime = TimeSpan.FromSeconds(9),
        ConnectRetryTime = TimeSpan.FromSeconds(1),
        Families = [BgpFamily.Ipv4Unicast],
        EbgpMultihopTtl = ttl,
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
}
