using IronLb.Core.Contracts;
using IronLb.Core.State;

namespace IronLb.Election.Lease;

/// <summary>Keeps one election replica active: a lease record in the state store, renewed with ETag compare-and-swap.</summary>
/// <remarks>Dapr's distributed-lock API is alpha and cannot renew, so the lease is an ordinary record guarded by its ETag.</remarks>
internal sealed class ElectionLease(IStateStore store, TimeProvider time)
{
    /// <summary>Takes or renews the lease; true while this replica holds it.</summary>
    public async Task<bool> TryHoldAsync(string replica, TimeSpan duration, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(StateKeys.ElectionLease, cancellationToken).ConfigureAwait(false);
        var current = entry.Value is null ? null : ContractJson.Deserialize<LeaseRecord>(entry.Value);
        var claim = LeaseDecision.Claim(current, replica, time.GetUtcNow(), duration);
        if (claim is null)
        {
            return false;
        }

        return await store.TrySaveAsync(StateKeys.ElectionLease, ContractJson.Serialize(claim), entry.ETag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives the lease up at shutdown so another replica takes over at once.</summary>
    public async Task ReleaseAsync(string replica, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(StateKeys.ElectionLease, cancellationToken).ConfigureAwait(false);
        var current = entry.Value is null ? null : ContractJson.Deserialize<LeaseRecord>(entry.Value);
        if (current?.Holder == replica)
        {
            await store.TryDeleteAsync(StateKeys.ElectionLease, entry.ETag, cancellationToken).ConfigureAwait(false);
        }
    }
}
