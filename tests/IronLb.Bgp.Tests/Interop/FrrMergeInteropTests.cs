using System.Net;
using System.Text.Json.Nodes;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>Two BGPAdvertisements that yield one prefix, seen from a real FRR: one route, communities united (MetalLB's rule).</summary>
[Collection(Lab.Collection)]
public sealed class FrrMergeInteropTests
{
    private static readonly string Config = $"""
        router bgp {Lab.RouterAsn}
         bgp router-id {Lab.RouterV4}
         no bgp ebgp-requires-policy
         timers bgp 3 9
         neighbor {Lab.NodeV4(1)} remote-as {Lab.RouterAsn}
         neighbor {Lab.NodeV4(1)} timers connect 1

        """;

    private static BgpPeerSettings Peer() => new()
    {
        Name = "rtr",
        LocalAsn = Lab.RouterAsn,
        PeerAsn = Lab.RouterAsn,
        PeerAddress = IPAddress.Parse(Lab.RouterV4),
        RouterId = 0xC000020B,
        HoldTime = TimeSpan.FromSeconds(9),
        KeepaliveTime = TimeSpan.FromSeconds(3),
        ConnectRetryTime = TimeSpan.FromSeconds(2),
        Families = [BgpFamily.Ipv4Unicast],
    };

    private static PeerAnnouncement Route(string prefix, uint? localPref, params string[] communities) =>
        new(new Announcement(IPNetwork.Parse(prefix), new RouteAttributes(localPref, communities.Select(RouteAttributes.ParseCommunity))), []);

    private static JsonArray Paths(Lab lab, string prefix) => lab.BgpPaths("ipv4", prefix);

    [LabFact]
    public async Task SetAnnouncements_TwoAdvertisementsOnePrefix_FrrGetsOneRouteWithBothCommunities()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(1);
        lab.StartFrr(Config);
        await using var node = new NodeSpeaker(lab, 1);
        var speaker = node.Speaker;
        speaker.SetAnnouncements([Route("203.0.113.50/32", 200, "64500:1"), Route("203.0.113.50/32", 200, "64500:2", "64500:1")]);
        await speaker.SetPeersAsync([Peer()], cts.Token);

        Assert.True(await Lab.EventuallyAsync(() => Paths(lab, "203.0.113.50/32").Count == 1, TimeSpan.FromSeconds(20), cts.Token), lab.Vtysh("show bgp ipv4 unicast"));
        var path = Paths(lab, "203.0.113.50/32")[0]!;
        Assert.Equal("64500:1 64500:2", path["community"]?["string"]?.GetValue<string>());
        Assert.Equal(200, path["locPrf"]?.GetValue<int>());
        Assert.Empty(speaker.AnnouncementProblems());
    }

    [LabFact]
    public async Task SetAnnouncements_ConflictingLocalPref_FrrKeepsThePreviousRoutesAndTheConflictIsReported()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var lab = new Lab(1);
        lab.StartFrr(Config);
        await using var node = new NodeSpeaker(lab, 1);
        var speaker = node.Speaker;
        speaker.SetAnnouncements([Route("203.0.113.51/32", 150, "64500:1")]);
        await speaker.SetPeersAsync([Peer()], cts.Token);
        Assert.True(await Lab.EventuallyAsync(() => Paths(lab, "203.0.113.51/32").Count == 1, TimeSpan.FromSeconds(20), cts.Token), lab.Vtysh("show bgp ipv4 unicast"));

        var peer = speaker.Peer(IPAddress.Parse(Lab.RouterV4))!;
        await peer.WaitForAsync(s => s.AdvertisedPrefixes == 1, cts.Token);
        var sentBefore = peer.Status.UpdatesSent;

        // Two advertisements now give the prefix localPref 100 and 300, and a new prefix appears beside them.
        speaker.SetAnnouncements([Route("203.0.113.51/32", 100), Route("203.0.113.51/32", 300), Route("203.0.113.52/32", null)]);

        // The session handles its inputs in order: once this condition is checked, anything posted before was sent.
        await peer.WaitForAsync(_ => true, cts.Token);
        Assert.Equal(sentBefore, peer.Status.UpdatesSent);
        var problem = Assert.Single(speaker.AnnouncementProblems());
        Assert.Contains("203.0.113.51/32", problem, StringComparison.Ordinal);
        Assert.Equal(150, Paths(lab, "203.0.113.51/32")[0]!["locPrf"]?.GetValue<int>());
        Assert.Empty(Paths(lab, "203.0.113.52/32"));

        // The conflict resolved: the next set goes out and the problem clears.
        speaker.SetAnnouncements([Route("203.0.113.51/32", 300), Route("203.0.113.52/32", null)]);
        Assert.True(await Lab.EventuallyAsync(() => Paths(lab, "203.0.113.52/32").Count == 1, TimeSpan.FromSeconds(20), cts.Token), lab.Vtysh("show bgp ipv4 unicast"));
        Assert.True(await Lab.EventuallyAsync(() => Paths(lab, "203.0.113.51/32") is [{ } p] && p["locPrf"]?.GetValue<int>() == 300, TimeSpan.FromSeconds(20), cts.Token));
        Assert.Empty(speaker.AnnouncementProblems());
    }
}
