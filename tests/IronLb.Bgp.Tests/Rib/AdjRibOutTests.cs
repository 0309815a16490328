using System.Net;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;

namespace IronLb.Bgp.Tests.Rib;

public sealed class AdjRibOutTests
{
    private static readonly HashSet<BgpFamily> Both = [BgpFamily.Ipv4Unicast, BgpFamily.Ipv6Unicast];

    private static Announcement A(string prefix, RouteAttributes? attributes = null) => new(IPNetwork.Parse(prefix), attributes ?? RouteAttributes.Default);

    [Fact]
    public void TakeChanges_NewRoutes_GroupedByFamilyAndAttributes()
    {
        var rib = new AdjRibOut();
        var tagged = new RouteAttributes(communities: [1]);
        rib.SetDesired([A("203.0.113.1/32"), A("203.0.113.2/32"), A("203.0.113.3/32", tagged), A("2001:db8::1/128")]);

        var changes = rib.TakeChanges(Both);

        Assert.Equal(3, changes.Announce.Count);
        Assert.Equal(2, changes.Announce.Single(g => g.Family == BgpFamily.Ipv4Unicast && g.Attributes.Equals(RouteAttributes.Default)).Prefixes.Count);
        Assert.Empty(changes.Withdraw);
    }

    [Fact]
    public void TakeChanges_NothingChanged_IsEmpty()
    {
        var rib = new AdjRibOut();
        rib.SetDesired([A("203.0.113.1/32")]);
        rib.TakeChanges(Both);

        rib.SetDesired([A("203.0.113.1/32")]);

        Assert.True(rib.TakeChanges(Both).IsEmpty);
    }

    [Fact]
    public void TakeChanges_RouteRemovedAndAttributesChanged_WithdrawsAndReannounces()
    {
        var rib = new AdjRibOut();
        rib.SetDesired([A("203.0.113.1/32"), A("2001:db8::1/128")]);
        rib.TakeChanges(Both);

        rib.SetDesired([A("203.0.113.1/32", new RouteAttributes(localPref: 50))]);
        var changes = rib.TakeChanges(Both);

        Assert.Equal([IPNetwork.Parse("2001:db8::1/128")], changes.Withdraw[BgpFamily.Ipv6Unicast]);
        Assert.Equal(50u, Assert.Single(changes.Announce).Attributes.LocalPref);
        Assert.Equal(1, rib.AdvertisedCount);
    }

    [Fact]
    public void TakeChanges_FamilyNotNegotiated_HeldBack()
    {
        var rib = new AdjRibOut();
        rib.SetDesired([A("203.0.113.1/32"), A("2001:db8::1/128")]);

        var changes = rib.TakeChanges(new HashSet<BgpFamily> { BgpFamily.Ipv4Unicast });

        Assert.Equal(BgpFamily.Ipv4Unicast, Assert.Single(changes.Announce).Family);
    }

    [Fact]
    public void ForgetAdvertised_AfterSessionReset_ResendsEverything()
    {
        var rib = new AdjRibOut();
        rib.SetDesired([A("203.0.113.1/32")]);
        rib.TakeChanges(Both);

        rib.ForgetAdvertised();

        Assert.Single(rib.TakeChanges(Both).Announce);
    }

    [Fact]
    public void RouteAttributes_SameCommunitiesInAnotherOrder_AreEqual()
    {
        var a = new RouteAttributes(communities: [3, 1, 2], largeCommunities: [new(1, 2, 3), new(0, 0, 1)]);
        var b = new RouteAttributes(communities: [1, 2, 3, 3], largeCommunities: [new(0, 0, 1), new(1, 2, 3)]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData("64500:100", (64500u << 16) | 100)]
    [InlineData("65535:65281", 0xFFFFFF01u)]
    public void ParseCommunity_AsnColonValue_PacksIntoOneWord(string text, uint expected)
    {
        Assert.Equal(expected, RouteAttributes.ParseCommunity(text));
    }
}
