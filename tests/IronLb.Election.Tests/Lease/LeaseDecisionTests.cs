using IronLb.Core.Contracts;
using IronLb.Election.Lease;

namespace IronLb.Election.Tests.Lease;

public class LeaseDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(6);

    [Fact]
    public void Claim_NoLease_Taken()
    {
        var claim = LeaseDecision.Claim(null, "a", Now, Duration);

        Assert.Equal(new LeaseRecord("a", Now, Duration), claim);
    }

    [Fact]
    public void Claim_OwnLease_Renewed()
    {
        var claim = LeaseDecision.Claim(new LeaseRecord("a", Now.AddSeconds(-5), Duration), "a", Now, Duration);

        Assert.Equal(Now, claim?.RenewedAt);
    }

    [Fact]
    public void Claim_OtherHoldsUnexpired_Refused()
    {
        var claim = LeaseDecision.Claim(new LeaseRecord("b", Now.AddSeconds(-5), Duration), "a", Now, Duration);

        Assert.Null(claim);
    }

    [Fact]
    public void Claim_OtherExpired_Taken()
    {
        var claim = LeaseDecision.Claim(new LeaseRecord("b", Now.AddSeconds(-6), Duration), "a", Now, Duration);

        Assert.Equal("a", claim?.Holder);
    }
}
