using IronLb.Core.Contracts;
using IronLb.Core.Failover;
using IronLb.Core.State;
using Microsoft.Extensions.Options;

namespace IronLb.Election.Lease;

/// <summary>Keeps one election replica active: a lease record in the state store, renewed with ETag compare-and-swap.</summary>
/// <remarks>
/// Dapr's distributed-lock API is alpha and cannot renew, so the lease is an ordinary record guarded by its ETag.
/// A standby never compares the holder's clock with its own: it takes over once it has seen the record unchanged for
/// <c>Failover:LeaseDuration</c> on its own clock. Two active replicas for a moment cost nothing but a lost
/// compare-and-swap on the owners: the LAN hand-over, not the lease, keeps two nodes from answering at once.
/// </remarks>
internal sealed class ElectionLease(IStateStore store, IOptions<FailoverOptions> timing, TimeProvider time)
{
    private LeaseRecord? _seen;
    private TimeSpan _seenAt;
    private TimeSpan? _heldUntil;
    private TimeSpan _renewedAt = TimeSpan.MinValue;
    private bool _blind;

    /// <summary>Takes, renews or watches the lease at <paramref name="now"/> (monotonic); true while this replica holds it.</summary>
    public async Task<bool> TryHoldAsync(string replica, TimeSpan now, CancellationToken cancellationToken)
    {
        var settings = timing.Value;
        if (_heldUntil is { } until && now < until && now - _renewedAt < settings.LeaseRenewInterval)
        {
            return true;
        }

        JsonStateEntry<LeaseRecord> entry;
        try
        {
            entry = await store.GetJsonAsync<LeaseRecord>(StateKeys.ElectionLease, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!entry.Exists)
            {
                // No create-if-absent on state.redis: make the key exist, then compare-and-swap on what is read.
                await store.EnsureAsync(StateKeys.ElectionLease, cancellationToken).ConfigureAwait(false);
                entry = await store.GetJsonAsync<LeaseRecord>(StateKeys.ElectionLease, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // What the holder did while the store was out of reach is unknown: its silence then must not count.
            _blind = true;
            throw;
        }

        // A released lease (no holder) is as free as none.
        var current = entry.Value is { Holder.Length: > 0 } held ? held : null;
        if (current != _seen || _blind)
        {
            _blind = false;
            _seen = current;
            _seenAt = now;
        }

        var mine = current?.Holder == replica;
        var free = current is null || mine || now - _seenAt >= settings.LeaseDuration;
        if (!free)
        {
            _heldUntil = null;
            return false;
        }

        var next = new LeaseRecord(replica, (current?.Renewal ?? 0) + 1, time.GetUtcNow());
        if (!await store.TrySaveJsonAsync(StateKeys.ElectionLease, next, entry.ETag, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            _heldUntil = null;
            return false;
        }

        // Held until a standby could have seen the record unchanged for a whole lease, counted from before the write.
        _seen = next;
        _seenAt = now;
        _renewedAt = now;
        _heldUntil = now + settings.LeaseDuration - settings.LeaseRenewInterval;
        return true;
    }

    /// <summary>Gives the lease up at shutdown so another replica takes over at once.</summary>
    /// <remarks>Written as a record without a holder, by compare-and-swap, never deleted: a delete would restart the
    /// key's versions, and a renewal still in flight with an old ETag could then recreate the lease.</remarks>
    public async Task ReleaseAsync(string replica, CancellationToken cancellationToken)
    {
        _heldUntil = null;
        var entry = await store.GetJsonAsync<LeaseRecord>(StateKeys.ElectionLease, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (entry.Value is { } current && current.Holder == replica)
        {
            await store.TrySaveJsonAsync(StateKeys.ElectionLease, new LeaseRecord("", current.Renewal + 1, time.GetUtcNow()), entry.ETag, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
