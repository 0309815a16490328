using IronLb.Core.Failover;

namespace IronLb.Core.Tests.Failover;

public sealed class FailoverOptionsValidatorTests
{
    private static IReadOnlyList<string> Errors(FailoverOptions options) =>
        new FailoverOptionsValidator().Validate(null, options) is { Failed: true } result ? [.. result.Failures!] : [];

    [Fact]
    public void Validate_Defaults_Accepted() => Assert.Empty(Errors(new FailoverOptions()));

    [Fact]
    public void Validate_BeaconHoldNotShorterThanPeerSilence_RejectedNamingBoth()
    {
        var errors = Errors(new FailoverOptions { BeaconHold = TimeSpan.FromMilliseconds(200), PeerSilence = TimeSpan.FromMilliseconds(200) });

        Assert.Contains(errors, e => e.Contains("Failover:BeaconHold", StringComparison.Ordinal) && e.Contains("Failover:PeerSilence", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_LonelyAfterNotShorterThanPeerSilence_Rejected() =>
        Assert.Contains(Errors(new FailoverOptions { LonelyAfter = TimeSpan.FromMilliseconds(250) }), e => e.Contains("Failover:LonelyAfter", StringComparison.Ordinal));

    [Fact]
    public void Validate_TimeoutUnderThreeHeartbeats_Rejected() =>
        Assert.Contains(Errors(new FailoverOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(100) }), e => e.Contains("three Failover:HeartbeatInterval", StringComparison.Ordinal));

    [Fact]
    public void Validate_FenceMarginLeavingNoRoom_Rejected() =>
        Assert.Contains(Errors(new FailoverOptions { FenceMargin = TimeSpan.FromMilliseconds(150) }), e => e.Contains("Failover:FenceMargin", StringComparison.Ordinal));

    [Fact]
    public void Validate_ObservingSlowerThanHeartbeats_Rejected() =>
        Assert.Contains(Errors(new FailoverOptions { ObserveInterval = TimeSpan.FromMilliseconds(60) }), e => e.Contains("Failover:ObserveInterval", StringComparison.Ordinal));

    [Fact]
    public void Validate_LeaseUnderThreeRenewals_Rejected() =>
        Assert.Contains(Errors(new FailoverOptions { LeaseDuration = TimeSpan.FromMilliseconds(400) }), e => e.Contains("Failover:LeaseDuration", StringComparison.Ordinal));

    [Fact]
    public void Validate_ZeroOrNegative_Rejected() =>
        Assert.Contains(Errors(new FailoverOptions { BeaconInterval = TimeSpan.Zero }), e => e.Contains("Failover:BeaconInterval must be positive", StringComparison.Ordinal));
}
