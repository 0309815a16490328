using IronLb.Core.State;

namespace IronLb.Testing;

/// <summary>A state store as seen through a sidecar that can lose the store: while <see cref="Down"/>, every call fails.</summary>
public sealed class SwitchableStateStore(IStateStore inner) : IStateStore
{
    public bool Down { get; set; }

    public Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Down ? throw new IOException("store unreachable") : inner.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        Down ? throw new IOException("store unreachable") : inner.GetBulkAsync(keys, cancellationToken);

    public Task<bool> TrySaveAsync(string key, ReadOnlyMemory<byte> value, string? etag, CancellationToken cancellationToken = default) =>
        Down ? throw new IOException("store unreachable") : inner.TrySaveAsync(key, value, etag, cancellationToken);

    public Task<bool> TryDeleteAsync(string key, string? etag, CancellationToken cancellationToken = default) =>
        Down ? throw new IOException("store unreachable") : inner.TryDeleteAsync(key, etag, cancellationToken);
}
