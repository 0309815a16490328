using System.Collections.Concurrent;
using IronLb.Core.State;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>Passes everything to the real store and keeps a copy of every allocation document that a successful write stored (genesis aside).</summary>
internal sealed class RecordingStateStore(IStateStore inner, ConcurrentBag<byte[]>? written = null) : IStateStore
{
    public ConcurrentBag<byte[]> WrittenAllocationDocuments { get; } = written ?? [];

    public Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => inner.GetBulkAsync(keys, cancellationToken);

    public async Task<bool> TrySaveAsync(string key, ReadOnlyMemory<byte> value, string? etag, CancellationToken cancellationToken = default)
    {
        var saved = await inner.TrySaveAsync(key, value, etag, cancellationToken);
        if (saved && key == Ipam.Allocation.AllocationDocument.StateKey && !value.Span.SequenceEqual(StateGenesis.Value.Span))
        {
            WrittenAllocationDocuments.Add(value.ToArray());
        }

        return saved;
    }

    public Task<bool> TryDeleteAsync(string key, string? etag, CancellationToken cancellationToken = default) => inner.TryDeleteAsync(key, etag, cancellationToken);
}
