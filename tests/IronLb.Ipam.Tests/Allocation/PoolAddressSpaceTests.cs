using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;

namespace IronLb.Ipam.Tests.Allocation;

public class PoolAddressSpaceTests
{
    private static PoolAddressSpace Space(bool avoidBuggy, params string[] ranges) =>
        new(ranges.Select(AddressRange.Parse), avoidBuggy);

    [Fact]
    public void TryGetFirstFree_AvoidBuggyIps_SkipsDotZeroAndDot255()
    {
        var space = Space(true, "192.0.2.0/24", "198.51.100.255/32");

        var handed = new List<string>();
        while (space.TryGetFirstFree(IpFamily.IPv4, out var a))
        {
            Assert.True(space.TryTake(a));
            handed.Add(a.ToString());
        }

        Assert.Equal(254, handed.Count);
        Assert.Equal("192.0.2.1", handed[0]);
        Assert.Equal("192.0.2.254", handed[^1]);
        Assert.DoesNotContain("198.51.100.255", handed);
    }

    [Fact]
    public void Capacity_AvoidBuggyIps_ExcludesBuggyAddresses()
    {
        Assert.Equal((UInt128)254, Space(true, "192.0.2.0/24").Capacity(IpFamily.IPv4));
        Assert.Equal((UInt128)256, Space(false, "192.0.2.0/24").Capacity(IpFamily.IPv4));
        Assert.Equal((UInt128)9, Space(true, "192.0.2.250-192.0.2.255", "198.51.100.0-198.51.100.4").Capacity(IpFamily.IPv4));
    }

    [Fact]
    public void BuggyCount_EachEndOfA256Block_Counted()
    {
        Assert.Equal((UInt128)2, PoolAddressSpace.BuggyCount(AddressRange.Parse("192.0.2.0/24")));
        Assert.Equal((UInt128)1, PoolAddressSpace.BuggyCount(AddressRange.Parse("198.51.100.250-198.51.100.255")));
        Assert.Equal((UInt128)1, PoolAddressSpace.BuggyCount(AddressRange.Parse("203.0.113.0-203.0.113.4")));
        Assert.Equal((UInt128)0, PoolAddressSpace.BuggyCount(AddressRange.Parse("192.0.2.1-192.0.2.254")));
        Assert.Equal((UInt128)0, PoolAddressSpace.BuggyCount(AddressRange.Parse("2001:db8::/120")));
    }

    [Fact]
    public void Contains_AvoidBuggyIps_RejectsBuggyEvenInsideRange()
    {
        var space = Space(true, "192.0.2.0/24");

        Assert.False(space.Contains(IpAddressValue.Parse("192.0.2.0")));
        Assert.True(space.Contains(IpAddressValue.Parse("192.0.2.1")));
        Assert.False(space.TryTake(IpAddressValue.Parse("192.0.2.255")));
    }

    [Fact]
    public void TryGetFirstFree_Ipv6Slash64_FirstIsNetworkAddressAndCapacityIs2To64()
    {
        var space = Space(false, "2001:db8:0:1::/64");

        Assert.True(space.TryGetFirstFree(IpFamily.IPv6, out var a));
        Assert.Equal("2001:db8:0:1::", a.ToString());
        Assert.Equal(UInt128.One << 64, space.Capacity(IpFamily.IPv6));
        Assert.False(space.HasFamily(IpFamily.IPv4));
    }

    [Fact]
    public void Ranges_OverlappingAndAdjacent_AreMerged()
    {
        var space = Space(false, "192.0.2.0/25", "192.0.2.128/25", "192.0.2.10-192.0.2.20", "2001:db8::/127");

        Assert.Equal(["192.0.2.0/24", "2001:db8::/127"], space.Ranges.Select(r => r.ToString()));
    }

    [Fact]
    public void TryRelease_AfterFill_FirstFreeIsReleasedAddress()
    {
        var space = Space(false, "198.51.100.0/29");
        for (var i = 0; i < 8; i++)
        {
            space.TryGetFirstFree(IpFamily.IPv4, out var a);
            space.TryTake(a);
        }

        Assert.False(space.TryGetFirstFree(IpFamily.IPv4, out _));
        Assert.True(space.TryRelease(IpAddressValue.Parse("198.51.100.5")));
        Assert.True(space.TryGetFirstFree(IpFamily.IPv4, out var freed));
        Assert.Equal("198.51.100.5", freed.ToString());
        Assert.False(space.TryRelease(IpAddressValue.Parse("198.51.100.5")));
        Assert.False(space.TryRelease(IpAddressValue.Parse("203.0.113.5")));
    }

    [Fact]
    public void TryGetFirstFree_RangesListedOutOfOrder_WalksThemInListedOrder()
    {
        var space = Space(false, "198.51.100.8/31", "192.0.2.0/31");

        var handed = new List<string>();
        while (space.TryGetFirstFree(IpFamily.IPv4, out var a))
        {
            Assert.True(space.TryTake(a));
            handed.Add(a.ToString());
        }

        Assert.Equal(["198.51.100.8", "198.51.100.9", "192.0.2.0", "192.0.2.1"], handed);
        Assert.True(space.TryRelease(IpAddressValue.Parse("192.0.2.0")));
        Assert.True(space.TryGetFirstFree(IpFamily.IPv4, out var again));
        Assert.Equal("192.0.2.0", again.ToString());
    }
}
