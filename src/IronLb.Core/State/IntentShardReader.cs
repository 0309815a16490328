using IronLb.Core.Contracts;

namespace IronLb.Core.State;

/// <summary>A consumer's copy of the stored intents shards, refreshed one named shard at a time.</summary>
/// <remarks>
/// <para>"Intents changed" names the shards ipam wrote; <see cref="MarkChanged"/> remembers them and
/// <see cref="RefreshAsync"/> reads only those, so one Service change costs a consumer one shard's bytes however many
/// Services exist. An event that names nothing, a resync and the first read mark every shard (one bulk read).</para>
/// <para>State is truth: what is read is the stored shard, never the event; a shard is taken when its version differs
/// from the one held (ipam moves it on every write; a wiped store starts it again), so a repeated or reordered event
/// changes nothing. A failed read leaves the shards marked.</para>
/// <para>Not safe for concurrent <see cref="RefreshAsync"/> calls; <see cref="MarkChanged"/> may come from any thread.</para>
/// </remarks>
public sealed class IntentShardReader(IStateStore store)
{
    private readonly Lock _gate = new();
    private readonly HashSet<int> _pending = [];
    private readonly IntentSet?[] _shards = new IntentSet?[IntentShards.Count];
    private bool _pendingAll = true;
    private IntentSet? _merged;

    /// <summary>Marks <paramref name="shards"/> as changed; null (or a shard that does not exist) marks them all.</summary>
    public void MarkChanged(IReadOnlyList<int>? shards)
    {
        lock (_gate)
        {
            if (shards is null || shards.Any(s => s is < 0 or >= IntentShards.Count))
            {
                _pendingAll = true;
                return;
            }

            _pending.UnionWith(shards);
        }
    }

    /// <summary>Reads the marked shards; true when any of them differed from the copy held.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        int[] shards;
        lock (_gate)
        {
            shards = _pendingAll ? [.. Enumerable.Range(0, IntentShards.Count)] : [.. _pending.Order()];
            _pendingAll = false;
            _pending.Clear();
        }

        if (shards.Length == 0)
        {
            return false;
        }

        IReadOnlyList<StateEntry> entries;
        try
        {
            entries = await store.GetBulkAsync([.. shards.Select(IntentShards.Key)], cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            MarkChanged(shards);
            throw;
        }

        var changed = false;
        for (var i = 0; i < shards.Length; i++)
        {
            var read = entries[i].Value is null ? IntentSet.Empty : ContractJson.Deserialize<IntentSet>(entries[i].Value) ?? IntentSet.Empty;
            var held = _shards[shards[i]];
            if (held is null || read.Version != held.Version)
            {
                _shards[shards[i]] = read;
                changed = true;
            }
        }

        if (changed)
        {
            _merged = null;
        }

        return changed;
    }

    /// <summary>
    /// Every Service's intent held, as one set: <see cref="IntentSet.Version"/> is the sum of the shards' versions (it
    /// grows with every shard write), <see cref="IntentSet.AllocationVersion"/> the newest a shard was derived from.
    /// </summary>
    public IntentSet Current => _merged ??= Merge();

    private IntentSet Merge()
    {
        long version = 0;
        long allocationVersion = 0;
        var intents = new List<AnnouncementIntent>();
        foreach (var shard in _shards)
        {
            if (shard is null)
            {
                continue;
            }

            version += shard.Version;
            allocationVersion = Math.Max(allocationVersion, shard.AllocationVersion);
            intents.AddRange(shard.Intents);
        }

        return new IntentSet(version, intents, allocationVersion);
    }
}
