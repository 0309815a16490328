using IronLb.Bgp.Announcements;
using IronLb.Core.Contracts;

namespace IronLb.Bgp.Tests.Announcements;

public sealed class NodeAnnouncementsTests
{
    private static BgpAnnouncement Bgp(string name, int v4 = 32, int v6 = 128, string[]? nodes = null, string[]? peers = null) =>
        new(name, nodes ?? ["n1", "n2"], v4, v6, null, [], [], peers ?? []);

    private static AnnouncementIntent Intent(string name, string policy, string[] readyNodes, bool anyServing = false, string[]? addresses = null, params BgpAnnouncement[] bgp) =>
        new("ns", name, addresses ?? ["203.0.113.77"], "pool", [], bgp.Length == 0 ? [Bgp("adv")] : bgp, policy, readyNodes, anyServing);

    private static IReadOnlyList<PrefixAnnouncement> For(string node, params AnnouncementIntent[] intents) => NodeAnnouncements.For(node, new IntentSet(1, intents));

    [Theory]
    [InlineData("203.0.113.77", 24, "203.0.113.0/24")]
    [InlineData("203.0.113.77", 32, "203.0.113.77/32")]
    [InlineData("203.0.113.77", 27, "203.0.113.64/27")]
    [InlineData("203.0.113.77", 1, "128.0.0.0/1")]
    [InlineData("2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:3:4:5:6", 127, "2001:db8:1:2:3:4:5:6/127")]
    [InlineData("2001:db8:1:2:3:4:5:7", 127, "2001:db8:1:2:3:4:5:6/127")]
    [InlineData("2001:db8::1", 0, "::/0")]
    public void Aggregate_Address_MaskedToTheFamilysLength(string address, int length, string expected) =>
        Assert.Equal(expected, NodeAnnouncements.Aggregate(address, Bgp("adv", v4: length, v6: length)));

    [Fact]
    public void For_AggregatedServices_OnePrefixNamingEveryService()
    {
        var a = Intent("a", "Cluster", ["n1"], addresses: ["203.0.113.1"], bgp: Bgp("agg", v4: 24));
        var b = Intent("b", "Cluster", ["n1"], addresses: ["203.0.113.2"], bgp: Bgp("agg", v4: 24));

        var announcement = Assert.Single(For("n1", a, b));

        Assert.Equal("203.0.113.0/24", announcement.Prefix);
        Assert.Equal(["ns/a", "ns/b"], announcement.Services);
    }

    [Fact]
    public void For_LocalPolicy_OnlyNodesWithAServingEndpoint()
    {
        var intent = Intent("svc", "Local", ["n2"], anyServing: true);

        Assert.Empty(For("n1", intent));
        Assert.Single(For("n2", intent));
    }

    [Fact]
    public void For_ClusterPolicy_EveryNodeTheAdvertisementSelectsOnceAnyEndpointServes()
    {
        var intent = Intent("svc", "Cluster", ["n2"]);

        Assert.Single(For("n1", intent));
        Assert.Single(For("n2", intent));
        Assert.Empty(For("n3", intent));
    }

    [Fact]
    public void For_ClusterPolicyEndpointsOnNoNode_AnnouncedLocalPolicyNot()
    {
        Assert.Single(For("n1", Intent("svc", "Cluster", [], anyServing: true)));
        Assert.Empty(For("n1", Intent("svc", "Local", [], anyServing: true)));
        Assert.Empty(For("n1", Intent("svc", "Cluster", [], anyServing: false)));
    }

    [Fact]
    public void For_PeersByName_CarriedPerAdvertisement()
    {
        var intent = Intent("svc", "Cluster", ["n1"], bgp: [Bgp("to-a", peers: ["peer-a"]), Bgp("to-all")]);

        var announcements = For("n1", intent);

        Assert.Equal([("to-a", new[] { "peer-a" }), ("to-all", [])], announcements.Select(a => (a.Advertisement, a.Peers.ToArray())));
    }
}
