using IronLb.Ipam.Allocation;

namespace IronLb.Ipam.Tests.Allocation;

public class AddressRangeTests
{
    [Theory]
    [InlineData("192.0.2.0/24", "192.0.2.0", "192.0.2.255", 256)]
    [InlineData("192.0.2.77/32", "192.0.2.77", "192.0.2.77", 1)]
    [InlineData("198.51.100.10-198.51.100.20", "198.51.100.10", "198.51.100.20", 11)]
    [InlineData("2001:db8::/126", "2001:db8::", "2001:db8::3", 4)]
    [InlineData("2001:db8::5-2001:db8::7", "2001:db8::5", "2001:db8::7", 3)]
    public void TryParse_ValidSpelling_GivesInclusiveBounds(string text, string first, string last, int count)
    {
        Assert.True(AddressRange.TryParse(text, out var range, out var error), error);

        Assert.Equal(IpAddressValue.Parse(first), range.FirstAddress);
        Assert.Equal(IpAddressValue.Parse(last), range.LastAddress);
        Assert.Equal((UInt128)count, range.Count);
    }

    [Fact]
    public void TryParse_Ipv6Slash64_CountsWithoutEnumerating()
    {
        var range = AddressRange.Parse("2001:db8:1:2::/64");

        Assert.Equal(UInt128.One << 64, range.Count);
        Assert.Equal("2001:db8:1:2::/64", range.ToString());
    }

    [Fact]
    public void TryParse_HostBitsSet_MasksToNetwork()
    {
        var range = AddressRange.Parse("192.0.2.77/24");

        Assert.Equal(IpAddressValue.Parse("192.0.2.0"), range.FirstAddress);
    }

    [Theory]
    [InlineData("")]
    [InlineData("192.0.2.0")]
    [InlineData("192.0.2.0/33")]
    [InlineData("192.0.2.20-192.0.2.10")]
    [InlineData("192.0.2.1-2001:db8::1")]
    [InlineData("2001:db8::/129")]
    [InlineData("192.0.2/24")]
    [InlineData("not-an-address")]
    public void TryParse_InvalidSpelling_ReturnsError(string text)
    {
        Assert.False(AddressRange.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("192.0.2.0/24")]
    [InlineData("198.51.100.3-198.51.100.9")]
    [InlineData("2001:db8::/64")]
    public void ToString_RoundTrips(string text)
    {
        Assert.Equal(text, AddressRange.Parse(text).ToString());
    }

    [Theory]
    [InlineData("203.0.113.0", true)]
    [InlineData("203.0.113.255", true)]
    [InlineData("203.0.113.1", false)]
    [InlineData("2001:db8::ff", false)]
    [InlineData("2001:db8::", false)]
    public void IsBuggyFirmwareAddress_OnlyIpv4DotZeroAndDot255(string address, bool buggy)
    {
        Assert.Equal(buggy, IpAddressValue.Parse(address).IsBuggyFirmwareAddress);
    }

    [Fact]
    public void IpAddressValue_RoundTripsThroughText()
    {
        foreach (var text in new[] { "192.0.2.1", "2001:db8::1", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff" })
        {
            Assert.Equal(text, IpAddressValue.Parse(text).ToString());
        }
    }

    [Theory]
    [InlineData("192.0.2.0/24")]
    [InlineData("192.0.2.7/24")]
    [InlineData("198.51.100.10 - 198.51.100.20")]
    [InlineData("2001:db8::/126")]
    [InlineData("192.0.2.01/24")]
    [InlineData("192.0.2/24")]
    [InlineData("192.0.2.0/33")]
    [InlineData("192.0.2.9-192.0.2.1")]
    [InlineData("192.0.2.1-2001:db8::1")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("192.0.2.0/+8")]
    public void TryParse_AnyEntry_AgreesWithTheValidatorsParser(string text)
    {
        var validated = Core.Configuration.IpAddressRange.TryParse(text, out var expected, out _);

        var parsed = AddressRange.TryParse(text, out var range, out _);

        Assert.Equal(validated, parsed);
        if (parsed)
        {
            Assert.Equal((expected.Family, expected.First, expected.Last), (range.Family, range.First, range.Last));
        }
    }
}
