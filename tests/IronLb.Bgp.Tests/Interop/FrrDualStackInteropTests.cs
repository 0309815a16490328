using System.Net;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>
/// BGPPeer dualStackAddressFamily against a real FRR: one session carries both families, the other family's next hop
/// being the node's address of that family on the session's interface, as MetalLB's FRR sends it.
/// </summary>
[Collection(Lab.Collection)]
public sealed class FrrDualStackInteropTests
{
    private static readonly string Config = $"""
        router bgp {Lab.RouterAsn}
         bgp router-id {Lab.RouterV4}
         no bgp ebgp-requires-policy
         timers bgp 3 9
         neighbor {Lab.NodeV4(1)} remote-as 64501
         neighbor {Lab.NodeV4(1)} timers connect 1
         neighbor {Lab.NodeV6(2)} remote-as 64501
         neighbor {Lab.NodeV6(2)} timers connect 1
         address-family ipv4 unicast
          neighbor {Lab.NodeV6(2)} activate
         exit-address-family
         address-family ipv6 unicast
          neighbor {Lab.NodeV4(1)} activate
          neighbor {Lab.NodeV6(2)} activate
         exit-address-family

        """;

    private static BgpPeerSettings Peer(int node, string router) => new()
    {
        Name = "rtr",
        LocalAsn = 64501,
        PeerAsn = Lab.RouterAsn,
        PeerAddress = IPAddress.Parse(router),
        RouterId = (uint)(0xC0000200 + 10 + node),
        HoldTime = TimeSpan.FromSeconds(9),
        KeepaliveTime = TimeSpan.FromSeconds(3),
        ConnectRetryTime = TimeSpan.FromSeconds(1),
        Families = [BgpFamily.Ipv4Unicast, BgpFamily.Ipv6Unicast],
    };

    private static PeerAnnouncement Route(string prefix) => new(new Announcement(IPNetwork.Parse(prefix), RouteAttributes.Default), []);

    [LabFact]
    public async Task DualStack_BothFamiliesOverOneSession_FrrInstallsEachWithTheNodesAddressOfThatFamily()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var lab = new Lab(1, 2);
        lab.StartFrr(Config);
        await using var node1 = new NodeSpeaker(lab, 1, listen: false);
        await using var node2 = new NodeSpeaker(lab, 2, listen: false);
        var (overV4, overV6) = (node1.Speaker, node2.Speaker);
        overV4.SetAnnouncements([Route("203.0.113.70/32"), Route("2001:db8:100::70/128")]);
        overV6.SetAnnouncements([Route("203.0.113.71/32"), Route("2001:db8:100::71/128")]);
        await overV4.SetPeersAsync([Peer(1, Lab.RouterV4)], cts.Token);
        await overV6.SetPeersAsync([Peer(2, Lab.RouterV6)], cts.Token);

        // IPv6 over the IPv4 session: next hop the node's IPv6 address; IPv4 over the IPv6 session: its IPv4 address.
        Assert.True(await Lab.EventuallyAsync(() => Lab.Run("ip", "-n", lab.Rtr, "-6", "route", "show", "2001:db8:100::70").Contains(Lab.NodeV6(1), StringComparison.Ordinal), TimeSpan.FromSeconds(30), cts.Token), lab.Vtysh("show bgp ipv6 unicast"));
        Assert.True(await Lab.EventuallyAsync(() => Lab.Run("ip", "-n", lab.Rtr, "route", "show", "203.0.113.71").Contains(Lab.NodeV4(2), StringComparison.Ordinal), TimeSpan.FromSeconds(30), cts.Token), lab.Vtysh("show bgp ipv4 unicast"));
        Assert.True(await Lab.EventuallyAsync(() => Lab.Run("ip", "-n", lab.Rtr, "route", "show", "203.0.113.70").Contains(Lab.NodeV4(1), StringComparison.Ordinal), TimeSpan.FromSeconds(10), cts.Token));
        Assert.True(await Lab.EventuallyAsync(() => Lab.Run("ip", "-n", lab.Rtr, "-6", "route", "show", "2001:db8:100::71").Contains(Lab.NodeV6(2), StringComparison.Ordinal), TimeSpan.FromSeconds(10), cts.Token));
    }
}
