using IronLb.Core.Contracts;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using IronLb.Ipam.Intents;

namespace IronLb.Ipam.Planning;

internal sealed partial class IpamReconciler
{
    private const int ShardWriteParallelism = 16;

    /// <summary>
    /// Brings every intents shard up to <paramref name="intents"/>, derived from allocation version
    /// <paramref name="allocationVersion"/>, shard by shard: a shard holding intents from that version or a newer one, or
    /// the same intents already, is left alone, so one Service change reads and rewrites the one shard that holds it.
    /// </summary>
    /// <param name="intents">Every Service's intent.</param>
    /// <param name="allocationVersion">The allocation version they were derived from.</param>
    /// <param name="memo">What this replica knows the shards hold, valid for the allocations read; null: read every shard.</param>
    /// <param name="maxAttempts">Compare-and-swap rounds per shard.</param>
    /// <param name="cancellationToken">Cancels the reads and writes.</param>
    /// <returns>Whether this call wrote any shard, and the sum of the stored shards' versions afterwards.</returns>
    private async Task<(bool Written, long Version)> WriteIntentsAsync(
        IReadOnlyList<AnnouncementIntent> intents, long allocationVersion, IntentShardMemo? memo, int maxAttempts, CancellationToken cancellationToken)
    {
        var wanted = IntentShardPlan.Split(intents);
        var contents = new byte[]?[IntentShards.Count];
        var versions = new long[IntentShards.Count];
        var candidates = new List<int>();
        for (var shard = 0; shard < IntentShards.Count; shard++)
        {
            contents[shard] = Serialize(wanted[shard]);
            if (memo is not null && memo.Holds(shard, contents[shard]))
            {
                versions[shard] = memo[shard].Version;
            }
            else
            {
                candidates.Add(shard);
            }
        }

        var wrote = new bool[IntentShards.Count];
        if (candidates.Count > 0)
        {
            var entries = await store.GetBulkAsync([.. candidates.Select(IntentShards.Key)], cancellationToken).ConfigureAwait(false);

            // Shards are independent keys, each with its own compare-and-swap: writing several at once is as safe as one
            // after another, and saves round trips to the sidecar when many change (a cold start, a configuration change).
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = ShardWriteParallelism, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, candidates.Count), parallel, async (i, token) =>
            {
                var shard = candidates[i];
                var outcome = await WriteShardAsync(shard, wanted[shard], contents[shard]!, allocationVersion, entries[i], maxAttempts, token).ConfigureAwait(false);
                contents[shard] = outcome.Content;
                versions[shard] = outcome.Version;
                wrote[shard] = outcome.Written;
            }).ConfigureAwait(false);
        }

        List<int> written = [.. Enumerable.Range(0, IntentShards.Count).Where(shard => wrote[shard])];

        _memo = new IntentShardMemo(allocationVersion, contents, versions);
        if (written.Count > 0)
        {
            Log.IntentShardsWritten(logger, written.Count, allocationVersion);
            await publisher.PublishAsync(Topics.IntentsChanged, Serialize(new StateChanged(allocationVersion, written)), cancellationToken).ConfigureAwait(false);
        }

        return (written.Count > 0, _memo.VersionSum);
    }

    /// <summary>Writes one shard unless it already holds <paramref name="content"/> or intents from a newer derivation.</summary>
    /// <returns>Whether it wrote, and what the shard holds afterwards (intents list in stored JSON form, version).</returns>
    private async Task<(bool Written, byte[] Content, long Version)> WriteShardAsync(
        int shard, IReadOnlyList<AnnouncementIntent> intents, byte[] content, long allocationVersion, StateEntry entry, int maxAttempts, CancellationToken cancellationToken)
    {
        var key = IntentShards.Key(shard);
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            var stored = Read(entry, IntentSet.Empty);
            var storedContent = Serialize(stored.Intents);

            // Another replica already derived this shard from these allocations, or from newer ones: theirs stand.
            // Equal content needs no write either, whatever version it was derived from.
            if (entry.Exists && (stored.AllocationVersion >= allocationVersion || storedContent.AsSpan().SequenceEqual(content)))
            {
                return (false, storedContent, stored.Version);
            }

            // An absent shard reads as empty: a shard with no Service needs no key.
            if (!entry.Exists && intents.Count == 0)
            {
                return (false, storedContent, 0);
            }

            if (!entry.Exists)
            {
                await store.EnsureAsync(key, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var next = new IntentSet(_shardVersions[shard].Next(stored.Version), intents, allocationVersion);
                if (await store.TrySaveAsync(key, Serialize(next), entry.ETag, cancellationToken).ConfigureAwait(false))
                {
                    _shardVersions[shard].Note(next.Version);
                    return (true, content, next.Version);
                }

                Log.WriteConflict(logger, attempt);
            }

            entry = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }

        throw new StateConflictException(key, maxAttempts);
    }
}
