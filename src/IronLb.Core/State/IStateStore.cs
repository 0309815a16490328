namespace IronLb.Core.State;

/// <summary>A key-value state store with ETag compare-and-swap: the port behind Dapr's state API.</summary>
/// <remarks>
/// The rules are those daprd really applies in front of state.redis (components-contrib state/redis/redis.go, checked on
/// Redis 7; see tools/local-sidecar/README.md), the same for every implementation, so that nothing built on this port can
/// lean on a guarantee the production store does not give:
/// <list type="bullet">
/// <item><c>etag</c> null or "": unconditional write or delete (last write wins). There is no create-if-absent.</item>
/// <item>any other value, on a write: applies when the stored ETag equals it, <b>or when the key is absent</b>: an ETag
/// never stops the creation of an absent key (a stale writer recreates a deleted one). Use <see cref="StateGenesis"/> to
/// create a key safely.</item>
/// <item>any other value, on a delete: applies when the stored ETag equals it or the key is absent.</item>
/// <item>an ETag that is not an integer is refused on a write with an exception.</item>
/// </list>
/// A write or delete that loses the comparison returns <c>false</c> and changes nothing. Every call is about one key:
/// there is no multi-key transaction (state.redis runs one script per key with no rollback). An outage, or any other
/// failure, is an exception, never <c>false</c>; callers must not read error texts.
/// </remarks>
public interface IStateStore
{
    /// <summary>Reads one key; an absent key gives an entry with a null value and an empty ETag.</summary>
    Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads several keys, in the order asked; a key that cannot be read fails the call (it never reads as absent).</summary>
    Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Writes a value; false when the ETag condition fails.</summary>
    Task<bool> TrySaveAsync(string key, ReadOnlyMemory<byte> value, string? etag, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key; false when the ETag condition fails.</summary>
    Task<bool> TryDeleteAsync(string key, string? etag, CancellationToken cancellationToken = default);
}

/// <summary>One key as read from the state store.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The stored bytes, or null when the key is absent.</param>
/// <param name="ETag">The stored version, or "" when the key is absent.</param>
public sealed record StateEntry(string Key, byte[]? Value, string ETag)
{
    /// <summary>True when the key holds a value.</summary>
    public bool Exists => Value is not null;
}

/// <summary>What one step of a file-store write does.</summary>
public enum StateOperationKind
{
    /// <summary>Write the value.</summary>
    Upsert,

    /// <summary>Remove the key.</summary>
    Delete,
}

/// <summary>One step of a write as <see cref="FileStateStore"/> journals it.</summary>
public sealed record StateOperation(StateOperationKind Kind, string Key, ReadOnlyMemory<byte> Value, string? ETag)
{
    public static StateOperation Upsert(string key, ReadOnlyMemory<byte> value, string? etag = null) => new(StateOperationKind.Upsert, key, value, etag);

    public static StateOperation Delete(string key, string? etag = null) => new(StateOperationKind.Delete, key, ReadOnlyMemory<byte>.Empty, etag);
}
