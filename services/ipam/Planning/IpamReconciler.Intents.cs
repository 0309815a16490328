using IronLb.Core.Contracts;
using IronLb.Core.Messaging;
using IronLb.Core.State;

namespace IronLb.Ipam.Planning;

internal sealed partial class IpamReconciler
{
    /// <summary>Brings the stored intents up to <paramref name="intents"/>, derived from allocation version
    /// <paramref name="allocationVersion"/>, unless intents from that version or a newer one are stored already.</summary>
    /// <returns>Whether this call wrote them, and the stored intents' version afterwards.</returns>
    private async Task<(bool Written, long Version)> WriteIntentsAsync(
        IReadOnlyList<AnnouncementIntent> intents, long allocationVersion, StateEntry entry, int maxAttempts, CancellationToken cancellationToken)
    {
        var wanted = Serialize(intents);
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            var stored = Read(entry, IntentSet.Empty);

            // Another replica already derived intents from these allocations, or from newer ones: theirs stand.
            // Equal content needs no write either, whatever version it was derived from.
            if (entry.Exists && (stored.AllocationVersion >= allocationVersion || wanted.AsSpan().SequenceEqual(Serialize(stored.Intents))))
            {
                return (false, stored.Version);
            }

            if (!entry.Exists)
            {
                await store.EnsureAsync(StateKeys.Intents, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var next = new IntentSet(_intentsVersions.Next(stored.Version), intents, allocationVersion);
                if (await store.TrySaveAsync(StateKeys.Intents, Serialize(next), entry.ETag, cancellationToken).ConfigureAwait(false))
                {
                    _intentsVersions.Note(next.Version);
                    await publisher.PublishAsync(Topics.IntentsChanged, Serialize(new StateChanged(next.Version)), cancellationToken).ConfigureAwait(false);
                    return (true, next.Version);
                }

                Log.WriteConflict(logger, attempt);
            }

            entry = await store.GetAsync(StateKeys.Intents, cancellationToken).ConfigureAwait(false);
        }

        throw new StateConflictException(StateKeys.Intents, maxAttempts);
    }
}
