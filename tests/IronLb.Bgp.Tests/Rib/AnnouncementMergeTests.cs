using System.Net;
using IronLb.Bgp.Rib;

namespace IronLb.Bgp.Tests.Rib;

public sealed class AnnouncementMergeTests
{
    private static Announcement A(string prefix, RouteAttributes attributes) => new(IPNetwork.Parse(prefix), attributes);

    [Fact]
    public void Merge_TwoAdvertisementsOnePrefix_UnitesCommunitiesOfBothKinds()
    {
        var first = new RouteAttributes(communities: [RouteAttributes.ParseCommunity("64500:1")], largeCommunities: [RouteAttributes.ParseLargeCommunity("64500:1:1")]);
        var second = new RouteAttributes(communities: [RouteAttributes.ParseCommunity("64500:2"), RouteAttributes.ParseCommunity("64500:1")]);

        var merged = AnnouncementMerge.Merge([A("203.0.113.10/32", first), A("203.0.113.10/32", second)], out var conflicts);

        Assert.Empty(conflicts);
        var route = Assert.Single(merged);
        Assert.Equal([RouteAttributes.ParseCommunity("64500:1"), RouteAttributes.ParseCommunity("64500:2")], route.Attributes.Communities);
        Assert.Equal([RouteAttributes.ParseLargeCommunity("64500:1:1")], route.Attributes.LargeCommunities);
    }

    [Fact]
    public void Merge_SameLocalPref_KeepsIt()
    {
        var merged = AnnouncementMerge.Merge(
            [A("203.0.113.10/32", new RouteAttributes(localPref: 200, communities: [1])), A("203.0.113.10/32", new RouteAttributes(localPref: 200, communities: [2]))],
            out var conflicts);

        Assert.Empty(conflicts);
        Assert.Equal(200u, Assert.Single(merged).Attributes.LocalPref);
    }

    [Fact]
    public void Merge_DifferentLocalPref_ReportsTheConflictingPrefixOnly()
    {
        var merged = AnnouncementMerge.Merge(
            [
                A("203.0.113.10/32", new RouteAttributes(localPref: 100)),
                A("203.0.113.11/32", RouteAttributes.Default),
                A("203.0.113.10/32", new RouteAttributes(localPref: 200)),
                A("203.0.113.10/32", new RouteAttributes(localPref: 300)),
            ],
            out var conflicts);

        Assert.Equal([IPNetwork.Parse("203.0.113.10/32")], conflicts);
        Assert.Equal(2, merged.Count);
    }

    [Fact]
    public void Merge_LocalPrefSetAndUnset_IsAConflict()
    {
        // MetalLB compares the values as written, 0 standing for "not set": 0 and 150 do not merge.
        AnnouncementMerge.Merge([A("2001:db8::1/128", RouteAttributes.Default), A("2001:db8::1/128", new RouteAttributes(localPref: 150))], out var conflicts);

        Assert.Single(conflicts);
    }
}
