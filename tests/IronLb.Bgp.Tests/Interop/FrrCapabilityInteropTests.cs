using System.Net;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>Graceful restart, dual-stack families over one IPv4 session, and 4-octet AS numbers against FRR.</summary>
[Collection(Lab.Collection)]
public sealed class FrrCapabilityInteropTests
{
    private const uint WideAsn = 4200000001;

    private static readonly string Config = $"""
        router bgp {Lab.RouterAsn}
         bgp router-id {Lab.RouterV4}
         no bgp ebgp-requires-policy
         bgp graceful-restart
         timers bgp 3 9
         neighbor {Lab.NodeV4(1)} remote-as 64501
         neighbor {Lab.NodeV4(1)} timers connect 1
         neighbor {Lab.NodeV4(2)} remote-as {WideAsn}
         neighbor {Lab.NodeV4(2)} timers connect 1
         address-family ipv6 unicast
          neighbor {Lab.NodeV4(2)} activate
         exit-address-family

        """;

    private static async Task<(BgpSpeaker, NetnsSocketFactory)> StartAsync(Lab lab, int node, BgpPeerSettings peer, string[] prefixes, CancellationToken ct)
    {
        var sockets = new NetnsSocketFactory(lab.Node(node));
        var speaker = new BgpSpeaker(new BgpSpeakerSettings(), sockets, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.Start();
        speaker.SetAnnouncements(prefixes.Select(p => new PeerAnnouncement(new Announcement(IPNetwork.Parse(p), RouteAttributes.Default), [])).ToList());
        await speaker.SetPeersAsync([peer], ct);
        await speaker.Peer(peer.PeerAddress)!.WaitForAsync(s => s.State == BgpState.Established, ct);
        return (speaker, sockets);
    }

    [LabFact]
    public async Task ConnectionReset_GracefulRestartNegotiated_FrrKeepsRouteStaleUntilWeAreBack()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var lab = new Lab(1);
        lab.StartFrr(Config);
        var peer = new BgpPeerSettings
        {
            LocalAsn = 64501,
            PeerAsn = Lab.RouterAsn,
            PeerAddress = IPAddress.Parse(Lab.RouterV4),
            RouterId = 0xC000020B,
            HoldTime = TimeSpan.FromSeconds(9),
            ConnectRetryTime = TimeSpan.FromSeconds(2),
            Families = [BgpFamily.Ipv4Unicast],
            GracefulRestart = true,
        };
        var (speaker, sockets) = await StartAsync(lab, 1, peer, ["203.0.113.40/32"], cts.Token);
        await using (speaker)
        using (sockets)
        {
            Assert.True(await Lab.EventuallyAsync(() => lab.BgpPaths("ipv4", "203.0.113.40/32").Count == 1, TimeSpan.FromSeconds(20), cts.Token));
            var session = speaker.Peer(peer.PeerAddress)!;

            // Reset the TCP connection from the node as a crash would, without any NOTIFICATION.
            Lab.Run("ip", "netns", "exec", lab.Node(1), "ss", "-K", "( dport = :179 or sport = :179 )");

            var sawStale = await Lab.EventuallyAsync(() => lab.SinglePathStale("203.0.113.40/32") == true, TimeSpan.FromSeconds(5), cts.Token);
            await session.WaitForAsync(s => s.EstablishedCount == 2 && s.State == BgpState.Established, cts.Token);
            var refreshed = await Lab.EventuallyAsync(() => lab.SinglePathStale("203.0.113.40/32") == false, TimeSpan.FromSeconds(20), cts.Token);

            Assert.True(sawStale, "FRR did not keep the route as stale: graceful restart was not in effect");
            Assert.True(refreshed, lab.Vtysh("show bgp ipv4 unicast 203.0.113.40/32"));
        }
    }

    [LabFact]
    public async Task DualStackOverIpv4Session_FourOctetAs_FrrLearnsBothFamiliesWithOurAsn()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var lab = new Lab(2);
        lab.StartFrr(Config);
        var peer = new BgpPeerSettings
        {
            LocalAsn = WideAsn,
            PeerAsn = Lab.RouterAsn,
            PeerAddress = IPAddress.Parse(Lab.RouterV4),
            RouterId = 0xC000020C,
            HoldTime = TimeSpan.FromSeconds(9),
            ConnectRetryTime = TimeSpan.FromSeconds(2),
            Ipv6NextHop = IPAddress.Parse(Lab.NodeV6(2)),
        };
        var (speaker, sockets) = await StartAsync(lab, 2, peer, ["203.0.113.50/32", "2001:db8:100::50/128"], cts.Token);
        await using (speaker)
        using (sockets)
        {
            Assert.True(await Lab.EventuallyAsync(() => lab.BgpPaths("ipv6", "2001:db8:100::50/128").Count == 1, TimeSpan.FromSeconds(20), cts.Token), lab.Vtysh("show bgp ipv6 unicast"));
            Assert.True(await Lab.EventuallyAsync(() => lab.BgpPaths("ipv4", "203.0.113.50/32").Count == 1, TimeSpan.FromSeconds(20), cts.Token));

            var v6 = lab.BgpPaths("ipv6", "2001:db8:100::50/128")[0]!;
            Assert.Equal(Lab.NodeV6(2), v6["nexthops"]?[0]?["ip"]?.GetValue<string>());
            Assert.Equal(WideAsn.ToString(System.Globalization.CultureInfo.InvariantCulture), lab.BgpPaths("ipv4", "203.0.113.50/32")[0]!["aspath"]?["string"]?.GetValue<string>());
        }
    }
}
