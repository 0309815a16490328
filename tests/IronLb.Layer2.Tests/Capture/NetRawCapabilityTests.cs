using IronLb.Layer2.Capture;

namespace IronLb.Layer2.Tests.Capture;

public class NetRawCapabilityTests
{
    [Theory]
    [InlineData("000001fffeffffff", true)]   // root in a container
    [InlineData("0000000000002000", true)]   // CAP_NET_RAW alone
    [InlineData("0000000000001000", false)]  // bit 12 (CAP_NET_ADMIN) is not enough
    [InlineData("0000000000000000", false)]  // unprivileged
    public void FromCapEff_Mask_TellsBit13(string mask, bool expected)
    {
        Assert.Equal(expected, NetRawCapability.FromCapEff(mask));
    }

    [Fact]
    public void IsEffective_NoProcFile_Unknown()
    {
        Assert.Null(NetRawCapability.IsEffective("/nonexistent/status"));
    }
}
