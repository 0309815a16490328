using CsCheck;
using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class KubernetesDurationTests
{
    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("250ms", 250)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("2h45m", 9_900_000)]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("+3s", 3_000)]
    [InlineData("-3s", -3_000)]
    [InlineData("1500us", 1.5)]
    [InlineData("1500\u00b5s", 1.5)]
    [InlineData(".5s", 500)]
    public void TryParse_GoDuration_GivesTimeSpan(string text, double milliseconds)
    {
        Assert.True(KubernetesDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("90")]
    [InlineData("s")]
    [InlineData("1d")]
    [InlineData("1..5s")]
    [InlineData("1 m")]
    [InlineData("-")]
    [InlineData("99999999999999h")]
    public void TryParse_NotAGoDuration_Fails(string text) =>
        Assert.False(KubernetesDuration.TryParse(text, out _));

    [Theory]
    [InlineData(90_000, "1m30s")]
    [InlineData(250, "250ms")]
    [InlineData(0, "0s")]
    [InlineData(3_723_500, "1h2m3.5s")]
    public void Format_TimeSpan_WritesGoForm(double milliseconds, string expected) =>
        Assert.Equal(expected, KubernetesDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void Format_ThenTryParse_RoundTripsEveryTick() =>
        Gen.Long[-TimeSpan.FromDays(1000).Ticks, TimeSpan.FromDays(1000).Ticks].Sample(ticks =>
        {
            var duration = TimeSpan.FromTicks(ticks);
            Assert.True(KubernetesDuration.TryParse(KubernetesDuration.Format(duration), out var parsed));
            Assert.Equal(duration, parsed);
        });
}
