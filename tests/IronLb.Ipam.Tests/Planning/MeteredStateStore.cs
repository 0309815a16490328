using System.Collections.Concurrent;
using IronLb.Core.State;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>Passes everything to the real store and counts, per key, the bytes read and the bytes of successful writes.</summary>
internal sealed class MeteredStateStore(IStateStore inner) : IStateStore
{
    public ConcurrentDictionary<string, long> Read { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, long> Written { get; } = new(StringComparer.Ordinal);

    public void Reset()
    {
        Read.Clear();
        Written.Clear();
    }

    public async Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var entry = await inner.GetAsync(key, cancellationToken);
        Read.AddOrUpdate(key, entry.Value?.Length ?? 0, (_, n) => n + (entry.Value?.Length ?? 0));
        return entry;
    }

    public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        var entries = await inner.GetBulkAsync(keys, cancellationToken);
        foreach (var entry in entries)
        {
            Read.AddOrUpdate(entry.Key, entry.Value?.Length ?? 0, (_, n) => n + (entry.Value?.Length ?? 0));
        }

        return entries;
    }

    public async Task<bool> TrySaveAsync(string key, ReadOnlyMemory<byte> value, string? etag, CancellationToken cancellationToken = default)
    {
        var saved = await inner.TrySaveAsync(key, value, etag, cancellationToken);
        if (saved)
        {
            Written.AddOrUpdate(key, value.Length, (_, n) => n + value.Length);
        }

        return saved;
    }

    public Task<bool> TryDeleteAsync(string key, string? etag, CancellationToken cancellationToken = default) => inner.TryDeleteAsync(key, etag, cancellationToken);
}
