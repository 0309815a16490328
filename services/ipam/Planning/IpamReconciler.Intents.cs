using IronLb.Core.Contracts;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using IronLb.Ipam.Intents;

namespace IronLb.Ipam.Planning;

internal sealed partial class IpamReconciler
{
    /// <summary>
    /// Brings every intents shard up to <paramref name="intents"/>, derived from allocation version
    /// <paramref name="allocationVersion"/>, shard by shard: a shard holding intents from that version or a newer one, or
    /// the same intents already, is left alone, so one Service change rewrites the one shard that holds it.
    /// </summary>
    /// <param name="intents">Every Service's intent.</param>
    /// <param name="allocationVersion">The allocation version they were derived from.</param>
    /// <param name="entries">Every shard as read, in shard order.</param>
    /// <param name="maxAttempts">Compare-and-swap rounds per shard.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>Whether this call wrote any shard, and the sum of the stored shards' versions afterwards.</returns>
    private async Task<(bool Written, long Version)> WriteIntentsAsync(
        IReadOnlyList<AnnouncementIntent> intents, long allocationVersion, IReadOnlyList<StateEntry> entries, int maxAttempts, CancellationToken cancellationToken)
    {
        var wanted = IntentShardPlan.Split(intents);
        var written = new List<int>();
        long versions = 0;
        for (var shard = 0; shard < IntentShards.Count; shard++)
        {
            var (shardWritten, version) = await WriteShardAsync(shard, wanted[shard], allocationVersion, entries[shard], maxAttempts, cancellationToken).ConfigureAwait(false);
            versions += version;
            if (shardWritten)
            {
                written.Add(shard);
            }
        }

        if (written.Count > 0)
        {
            Log.IntentShardsWritten(logger, written.Count, allocationVersion);
            await publisher.PublishAsync(Topics.IntentsChanged, Serialize(new StateChanged(allocationVersion, written)), cancellationToken).ConfigureAwait(false);
        }

        return (written.Count > 0, versions);
    }

    private async Task<(bool Written, long Version)> WriteShardAsync(
        int shard, IReadOnlyList<AnnouncementIntent> intents, long allocationVersion, StateEntry entry, int maxAttempts, CancellationToken cancellationToken)
    {
        var key = IntentShards.Key(shard);
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            var stored = Read(entry, IntentSet.Empty);

            // Another replica already derived this shard from these allocations, or from newer ones: theirs stand.
            // Equal content needs no write either, whatever version it was derived from.
            if (entry.Exists && (stored.AllocationVersion >= allocationVersion || IntentShardPlan.Same(stored.Intents, intents)))
            {
                return (false, stored.Version);
            }

            if (!entry.Exists)
            {
                await store.EnsureAsync(key, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var next = new IntentSet(stored.Version + 1, intents, allocationVersion);
                if (await store.TrySaveAsync(key, Serialize(next), entry.ETag, cancellationToken).ConfigureAwait(false))
                {
                    return (true, next.Version);
                }

                Log.WriteConflict(logger, attempt);
            }

            entry = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }

        throw new StateConflictException(key, maxAttempts);
    }
}
