using IronLb.LocalSidecar.State;

namespace IronLb.Dapr.Tests.Sidecar.Units;

public sealed class StateKeyPrefixTests
{
    [Theory]
    [InlineData("appid", null, "ipam||k")]
    [InlineData("AppID", null, "ipam||k")]
    [InlineData("name", null, "statestore||k")]
    [InlineData("namespace", "metallb-system", "metallb-system.ipam||k")]
    [InlineData("namespace", null, "ipam||k")]
    [InlineData("none", null, "k")]
    [InlineData("ironlb", null, "ironlb||k")]
    public void Apply_KeyPrefixMode_RedisKey(string mode, string? ns, string expected) =>
        Assert.Equal(expected, StateKeyPrefix.Apply(mode, "statestore", "ipam", ns, "k"));

    [Fact]
    public void Apply_KeyWithSeparator_Throws() =>
        Assert.Throws<ArgumentException>(() => StateKeyPrefix.Apply("none", "statestore", "ipam", null, "a||b"));
}
