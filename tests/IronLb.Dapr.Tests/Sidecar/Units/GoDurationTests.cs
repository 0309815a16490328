using IronLb.LocalSidecar.Components;

namespace IronLb.Dapr.Tests.Sidecar.Units;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("5s", 5000)]
    [InlineData("250ms", 250)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("0", 0)]
    [InlineData("1500us", 1.5)]
    public void Parse_GoDuration_Milliseconds(string text, double ms) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ms), GoDuration.Parse(text));

    [Fact]
    public void Parse_BareNumberWhereMillisecondsAllowed_Milliseconds() =>
        Assert.Equal(TimeSpan.FromMilliseconds(15000), GoDuration.Parse("15000", bareNumberIsMilliseconds: true));

    [Theory]
    [InlineData("15000")]
    [InlineData("5x")]
    [InlineData("")]
    [InlineData("s")]
    public void Parse_NotADuration_Throws(string text) => Assert.Throws<FormatException>(() => GoDuration.Parse(text));
}
