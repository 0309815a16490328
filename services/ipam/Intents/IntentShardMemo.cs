namespace IronLb.Ipam.Intents;

/// <summary>What one ipam replica knows the intents shards hold: their content (stored JSON form of the intents list) and version.</summary>
/// <remarks>
/// Valid only while the stored allocations are at <see cref="AllocationVersion"/>: intents are written only after the
/// allocations they are derived from, so another replica's intents come after an allocation write of its own, which
/// moves that version. A shard whose wanted content the memo already holds needs neither a read nor a write.
/// </remarks>
internal sealed class IntentShardMemo(long allocationVersion, byte[]?[] contents, long[] versions)
{
    /// <summary>The allocation version the memo is valid for.</summary>
    public long AllocationVersion { get; } = allocationVersion;

    /// <summary>The sum of the shards' versions.</summary>
    public long VersionSum { get; } = versions.Sum();

    /// <summary>True when <paramref name="shard"/> is known to hold exactly <paramref name="content"/>.</summary>
    public bool Holds(int shard, ReadOnlySpan<byte> content) => contents[shard] is { } known && known.AsSpan().SequenceEqual(content);

    /// <summary>What <paramref name="shard"/> is known to hold.</summary>
    public (byte[]? Content, long Version) this[int shard] => (contents[shard], versions[shard]);
}
