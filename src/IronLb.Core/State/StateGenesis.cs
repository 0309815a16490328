namespace IronLb.Core.State;

/// <summary>Creates a key safely on a store without create-if-absent: version 1 of every key holds the same genesis value.</summary>
/// <remarks>
/// <para>On state.redis a write with an ETag creates an absent key, and a write without one overwrites whatever is there,
/// so two replicas that both find a key absent cannot both "create" it: the second would silently replace the first,
/// together with anything a third wrote on top. Instead, a reader that finds the key absent writes the genesis value
/// (JSON <c>null</c>) with ETag "1" and reads again; only then does it compare-and-swap real content onto the ETag it
/// read. That write succeeds only while the key is absent or still at version 1, and version 1 only ever holds the
/// genesis value (every real write is a compare-and-swap from an existing version, so lands at 2 or later): the worst a
/// racing genesis can do is replace genesis with genesis, which moves the version and makes a concurrent
/// compare-and-swap retry. Nothing depends on an error code or text, nor on the first-write marker.</para>
/// <para>Keys managed this way are never deleted (deleting would restart versions at 1). After a store wipe, a writer
/// still holding an ETag from before the wipe recreates the key at version 1 with real content, and a racing genesis
/// may replace it; that write is lost, as everything else in the wipe was, and the owner rebuilds it.</para>
/// </remarks>
public static class StateGenesis
{
    /// <summary>The ETag a genesis write carries.</summary>
    public const string ETag = "1";

    /// <summary>The genesis value: JSON null, which every reader of a JSON document treats as "no document yet".</summary>
    public static ReadOnlyMemory<byte> Value { get; } = "null"u8.ToArray();

    /// <summary>True when <paramref name="value"/> is the genesis value: the key exists, but no document was written yet.</summary>
    public static bool Is(ReadOnlySpan<byte> value) => value.SequenceEqual(Value.Span);

    /// <summary>Makes <paramref name="key"/> exist, found absent by the caller; the caller reads it again afterwards.</summary>
    public static async Task EnsureAsync(this IStateStore store, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);

        // False means another writer got there first: the key exists, which is all that was asked.
        await store.TrySaveAsync(key, Value, ETag, cancellationToken).ConfigureAwait(false);
    }
}
