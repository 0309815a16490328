using IronLb.Core.Contracts;
using IronLb.Core.Failover;
using IronLb.Core.State;
using IronLb.Election.Lease;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Election.Tests.Lease;

public sealed class ElectionLeaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-lease-").FullName;
    private readonly FileStateStore _store;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    public ElectionLeaseTests() => _store = FileStateStore.Open(_directory);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private ElectionLease Lease(IStateStore store) => new(store, Options.Create(new FailoverOptions()), _time);

    [Fact]
    public async Task TryHold_ReplicasRacingOnAnEmptyStore_ExactlyOneHolds()
    {
        // Every store call yields first, so the replicas' reads, genesis writes and compare-and-swaps interleave.
        var racing = new YieldingStore(_store);
        var leases = Enumerable.Range(0, 5).Select(_ => Lease(racing)).ToList();

        var held = await Task.WhenAll(leases.Select((lease, i) => lease.TryHoldAsync("replica-" + i, TimeSpan.Zero, CancellationToken.None)));

        Assert.Single(held, h => h);
        var stored = (await _store.GetJsonAsync<LeaseRecord>(StateKeys.ElectionLease)).Value!;
        Assert.Equal("replica-" + Array.IndexOf(held, true), stored.Holder);
    }

    [Fact]
    public async Task Release_ThenAnotherReplica_TakesOverAtOnceAndTheKeyIsNeverDeleted()
    {
        var a = Lease(_store);
        var b = Lease(_store);
        Assert.True(await a.TryHoldAsync("a", TimeSpan.Zero, CancellationToken.None));
        Assert.False(await b.TryHoldAsync("b", TimeSpan.Zero, CancellationToken.None));

        await a.ReleaseAsync("a", CancellationToken.None);
        var released = await _store.GetJsonAsync<LeaseRecord>(StateKeys.ElectionLease);

        Assert.True(released.Exists);
        Assert.Equal("", released.Value!.Holder);
        Assert.True(await b.TryHoldAsync("b", TimeSpan.FromMilliseconds(1), CancellationToken.None));
    }

    private sealed class YieldingStore(IStateStore inner) : IStateStore
    {
        public async Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await inner.GetAsync(key, cancellationToken);
        }

        public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await inner.GetBulkAsync(keys, cancellationToken);
        }

        public async Task<bool> TrySaveAsync(string key, ReadOnlyMemory<byte> value, string? etag, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await inner.TrySaveAsync(key, value, etag, cancellationToken);
        }

        public async Task<bool> TryDeleteAsync(string key, string? etag, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await inner.TryDeleteAsync(key, etag, cancellationToken);
        }
    }
}
