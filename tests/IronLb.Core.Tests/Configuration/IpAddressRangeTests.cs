using CsCheck;
using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class IpAddressRangeTests
{
    [Theory]
    [InlineData("203.0.113.0/27", "203.0.113.0-203.0.113.31")]
    [InlineData("203.0.113.9/27", "203.0.113.0-203.0.113.31")]
    [InlineData("198.51.100.64-198.51.100.127", "198.51.100.64-198.51.100.127")]
    [InlineData("198.51.100.64 - 198.51.100.70", "198.51.100.64-198.51.100.70")]
    [InlineData("192.0.2.7/32", "192.0.2.7-192.0.2.7")]
    [InlineData("2001:db8:1:20::/64", "2001:db8:1:20::-2001:db8:1:20:ffff:ffff:ffff:ffff")]
    [InlineData("2001:db8::1-2001:db8::ff", "2001:db8::1-2001:db8::ff")]
    public void TryParse_ValidEntry_GivesRange(string text, string expected)
    {
        Assert.True(IpAddressRange.TryParse(text, out var range, out var error), error);
        Assert.Equal(expected, range.ToString());
    }

    [Theory]
    [InlineData("203.0.113.0", "invalid CIDR \"203.0.113.0\"")]
    [InlineData("203.0.113.0/33", "invalid CIDR \"203.0.113.0/33\"")]
    [InlineData("203.0.113/24", "invalid CIDR \"203.0.113/24\"")]
    [InlineData("203.0.113.010/32", "invalid CIDR \"203.0.113.010/32\"")]
    [InlineData("2001:db8::/129", "invalid CIDR \"2001:db8::/129\"")]
    [InlineData("fe80::1%eth0/64", "invalid CIDR \"fe80::1%eth0/64\"")]
    [InlineData("198.51.100.9-198.51.100.1", "invalid IP range \"198.51.100.9-198.51.100.1\": start IP \"198.51.100.9\" is after the end IP \"198.51.100.1\"")]
    [InlineData("198.51.100.1-2001:db8::1", "invalid IP range \"198.51.100.1-2001:db8::1\": start and end are of different address families")]
    [InlineData("bogus-198.51.100.1", "invalid IP range \"bogus-198.51.100.1\": invalid start IP \"bogus\"")]
    [InlineData("198.51.100.1-", "invalid IP range \"198.51.100.1-\": invalid end IP \"\"")]
    public void TryParse_InvalidEntry_ExplainsWhy(string text, string expected)
    {
        Assert.False(IpAddressRange.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void ToPrefixes_Range_GivesFewestCoveringPrefixes()
    {
        Assert.True(IpAddressRange.TryParse("198.51.100.1-198.51.100.6", out var range, out _));

        var prefixes = range.ToPrefixes().Select(p => $"{IpAddressRange.FormatAddress(IpFamily.IPv4, p.Network)}/{p.PrefixLength}");

        Assert.Equal(["198.51.100.1/32", "198.51.100.2/31", "198.51.100.4/31", "198.51.100.6/32"], prefixes);
        Assert.Equal(31, range.ShortestPrefixLength());
    }

    [Fact]
    public void ToPrefixes_WholeIpv6Space_IsOnePrefix()
    {
        Assert.True(IpAddressRange.TryParse("::/0", out var range, out _));

        Assert.Equal([((UInt128)0, 0)], range.ToPrefixes());
    }

    [Fact]
    public void ToPrefixes_AnyIpv4Range_CoversExactlyTheRangeWithAlignedBlocks() =>
        Gen.Select(Gen.UInt, Gen.UInt).Sample(pair =>
        {
            var (first, last) = pair.Item1 <= pair.Item2 ? (pair.Item1, pair.Item2) : (pair.Item2, pair.Item1);
            AssertExactCover(new IpAddressRange(IpFamily.IPv4, first, last));
        });

    [Fact]
    public void ToPrefixes_AnyIpv6Range_CoversExactlyTheRangeWithAlignedBlocks() =>
        Gen.Select(Gen.UInt128, Gen.UInt128).Sample(pair =>
        {
            var (first, last) = pair.Item1 <= pair.Item2 ? (pair.Item1, pair.Item2) : (pair.Item2, pair.Item1);
            AssertExactCover(new IpAddressRange(IpFamily.IPv6, first, last));
        });

    [Fact]
    public void Overlaps_SharedAddressOrSameFamilyOnly_IsTrueExactlyThen()
    {
        static IpAddressRange Parse(string text) => IpAddressRange.TryParse(text, out var range, out _) ? range : throw new ArgumentException(text);

        Assert.True(Parse("203.0.113.0/27").Overlaps(Parse("203.0.113.31-203.0.113.40")));
        Assert.False(Parse("203.0.113.0/27").Overlaps(Parse("203.0.113.32/27")));
        Assert.False(Parse("0.0.0.0/0").Overlaps(Parse("::/96")));
    }

    private static void AssertExactCover(IpAddressRange range)
    {
        var prefixes = range.ToPrefixes();
        Assert.InRange(prefixes.Count, 1, 2 * range.AddressBits);
        var expectedNext = range.First;
        foreach (var (network, length) in prefixes)
        {
            var hostBits = range.AddressBits - length;
            var size = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
            Assert.Equal(expectedNext, network);
            Assert.Equal((UInt128)0, network & size);
            expectedNext = network + size + 1;
            if (network + size == range.Last)
            {
                Assert.Equal(prefixes[^1], (network, length));
                return;
            }
        }

        Assert.Fail($"prefixes of {range} stop before its last address");
    }
}
