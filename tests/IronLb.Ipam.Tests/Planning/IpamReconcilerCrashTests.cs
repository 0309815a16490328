using IronLb.Core.Configuration;
using IronLb.Core.Contracts;
using IronLb.Core.State;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>The two writes of a reconcile are separate (no multi-key transaction exists): what a failure between them leaves.</summary>
public class IpamReconcilerCrashTests
{
    private static ClusterConfiguration Config(params Service[] services) => new()
    {
        IpAddressPools = ValueList.Create([Pool("a", ["192.0.2.0/29"])]),
        Services = ValueList.Create(services),
        L2Advertisements = ValueList.Create([new L2Advertisement { Metadata = new ObjectMeta { Name = "l2" } }]),
    };

    [Fact]
    public async Task ReconcileAsync_StoreFailsBetweenAllocationAndIntentsWrites_IntentsStayBehindThenAnyReplicaCompletesThem()
    {
        await using var state = await StateFixture.StartAsync();
        var failing = new IntentsWriteFails(state.Store);
        var options = Options.Create(new AllocationOptions());
        var crashed = new IpamReconciler(failing, state.Publisher, state.Events, options, NullLogger<IpamReconciler>.Instance);
        await state.Replica().ReconcileAsync(Config(LoadBalancer("ns", "one")), 1);

        await Assert.ThrowsAsync<IOException>(() => crashed.ReconcileAsync(Config(LoadBalancer("ns", "one"), LoadBalancer("ns", "two")), 2));

        var allocations = (await state.Store.GetJsonAsync<AllocationDocument>(AllocationDocument.StateKey)).Value!;
        var behind = await StoredIntentShards.ReadAllAsync(state.Store);
        Assert.Equal(2, allocations.Version);
        Assert.Equal(["one", "two"], allocations.Allocations.Select(a => a.Name));
        Assert.Equal(1, behind.AllocationVersion);
        Assert.Equal(["one"], behind.Intents.Select(i => i.Name));

        var repaired = await state.Replica().ReconcileAsync(Config(LoadBalancer("ns", "one"), LoadBalancer("ns", "two")), 2);

        var intents = await StoredIntentShards.ReadAllAsync(state.Store);
        Assert.True(repaired.Written);
        Assert.Equal(2, repaired.AllocationVersion);
        Assert.Equal(2, intents.AllocationVersion);
        Assert.Equal(
            allocations.Allocations.Select(a => (a.Name, a.Addresses[0])),
            intents.Intents.Select(i => (i.Name, i.Addresses[0])));
    }

    [Fact]
    public async Task ReconcileAsync_IntentsFromNewerAllocationsStored_OlderDerivationDoesNotReplaceThem()
    {
        await using var state = await StateFixture.StartAsync();
        await state.Replica().ReconcileAsync(Config(LoadBalancer("ns", "one"), LoadBalancer("ns", "two")), 1);
        var keys = new[] { StateKeys.IntentShard(IntentShards.Of("ns", "one")), StateKeys.IntentShard(IntentShards.Of("ns", "two")) }.Distinct().ToList();
        var fromTheFuture = new List<IntentSet>();
        foreach (var key in keys)
        {
            var stored = await state.Store.GetJsonAsync<IntentSet>(key);
            fromTheFuture.Add(stored.Value! with { AllocationVersion = 99, Intents = [] });
            Assert.True(await state.Store.TrySaveJsonAsync(key, fromTheFuture[^1], stored.ETag));
        }

        var result = await state.Replica().ReconcileAsync(Config(LoadBalancer("ns", "one"), LoadBalancer("ns", "two")), 1);

        Assert.False(result.Written);
        for (var i = 0; i < keys.Count; i++)
        {
            Assert.Equal(fromTheFuture[i], (await state.Store.GetJsonAsync<IntentSet>(keys[i])).Value!, IntentSetComparer.Instance);
        }
    }

    private sealed class IntentSetComparer : IEqualityComparer<IntentSet>
    {
        public static IntentSetComparer Instance { get; } = new();

        public bool Equals(IntentSet? x, IntentSet? y) =>
            x is not null && y is not null && x.Version == y.Version && x.AllocationVersion == y.AllocationVersion && x.Intents.Count == y.Intents.Count;

        public int GetHashCode(IntentSet obj) => obj.Version.GetHashCode();
    }

    /// <summary>Lets the allocation write through and fails every intents shard write, as a crash or an outage between them would.</summary>
    private sealed class IntentsWriteFails(IStateStore inner) : IStateStore
    {
        public Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => inner.GetBulkAsync(keys, cancellationToken);

        public Task<bool> TrySaveAsync(string key, ReadOnlyMemory<byte> value, string? etag, CancellationToken cancellationToken = default) =>
            key.StartsWith("intents/", StringComparison.Ordinal) ? throw new IOException("store unreachable") : inner.TrySaveAsync(key, value, etag, cancellationToken);

        public Task<bool> TryDeleteAsync(string key, string? etag, CancellationToken cancellationToken = default) => inner.TryDeleteAsync(key, etag, cancellationToken);
    }
}
