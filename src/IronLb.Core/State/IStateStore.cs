namespace IronLb.Core.State;

/// <summary>A key-value state store with ETag compare-and-swap: the port behind Dapr's state API.</summary>
/// <remarks>
/// ETag rules, the same for every implementation (Dapr first-write concurrency):
/// <list type="bullet">
/// <item><c>etag == null</c>: unconditional write or delete (last write wins).</item>
/// <item><c>etag == ""</c>: create only if the key is absent.</item>
/// <item>any other value: apply only if the stored ETag equals it.</item>
/// </list>
/// A write that loses the comparison returns <c>false</c> and changes nothing.
/// </remarks>
public interface IStateStore
{
    /// <summary>Reads one key; an absent key gives an entry with a null value and an empty ETag.</summary>
    Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads several keys at once, in the order asked.</summary>
    Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Writes a value; false when the ETag condition fails.</summary>
    Task<bool> TrySaveAsync(string key, ReadOnlyMemory<byte> value, string? etag, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key; false when the ETag condition fails.</summary>
    Task<bool> TryDeleteAsync(string key, string? etag, CancellationToken cancellationToken = default);

    /// <summary>Applies every operation or none; false when any ETag condition fails.</summary>
    Task<bool> TryTransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default);
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

/// <summary>What one step of a state transaction does.</summary>
public enum StateOperationKind
{
    /// <summary>Write the value.</summary>
    Upsert,

    /// <summary>Remove the key.</summary>
    Delete,
}

/// <summary>One step of an all-or-nothing state transaction.</summary>
public sealed record StateOperation(StateOperationKind Kind, string Key, ReadOnlyMemory<byte> Value, string? ETag)
{
    public static StateOperation Upsert(string key, ReadOnlyMemory<byte> value, string? etag = null) => new(StateOperationKind.Upsert, key, value, etag);

    public static StateOperation Delete(string key, string? etag = null) => new(StateOperationKind.Delete, key, ReadOnlyMemory<byte>.Empty, etag);
}
