using IronLb.Core.Contracts;

namespace IronLb.Election.Lease;

/// <summary>Whether a replica may take or renew a lease. Pure: the caller writes the result with compare-and-swap.</summary>
internal static class LeaseDecision
{
    /// <summary>The record to write to hold the lease, or null when another replica holds it.</summary>
    public static LeaseRecord? Claim(LeaseRecord? current, string replica, DateTimeOffset now, TimeSpan duration)
    {
        bool free = current is null || current.Holder == replica || now >= current.RenewedAt + current.Duration;
        return free ? new LeaseRecord(replica, now, duration) : null;
    }
}
