using IronLb.Core.Configuration;
using IronLb.Core.Contracts;
using IronLb.Core.State;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>One Service change costs one intents shard; a replica that cannot know what is stored reads every shard.</summary>
public class IntentShardLayoutTests
{
    private const int ServiceCount = 1000;

    private static ClusterConfiguration Config(IEnumerable<Service> services) => new()
    {
        // Pool data from the benchmarking range; nothing is put on a network.
        IpAddressPools = ValueList.Create([Pool("bench", ["198.18.0.0/20"])]),
        Services = ValueList.From(services),
        L2Advertisements = ValueList.Create([new L2Advertisement { Metadata = new ObjectMeta { Name = "l2" } }]),
    };

    private static IEnumerable<Service> Many(int count) => Enumerable.Range(0, count).Select(i => LoadBalancer("bench", $"svc-{i:D4}"));

    private static IpamReconciler Replica(StateFixture state, MeteredStateStore store) =>
        new(store, state.Publisher, state.Events, Options.Create(new AllocationOptions { MaxWriteAttempts = 1000 }), NullLogger<IpamReconciler>.Instance);

    private static string[] IntentKeys(IEnumerable<string> keys) => [.. keys.Where(k => k.StartsWith("intents/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task ReconcileAsync_OneServiceAddedAmongThousand_ReadsAndWritesOnlyItsShard()
    {
        await using var state = await StateFixture.StartAsync();
        var store = new MeteredStateStore(state.Store);
        var replica = Replica(state, store);
        await replica.ReconcileAsync(Config(Many(ServiceCount)), 1);
        store.Reset();

        var result = await replica.ReconcileAsync(Config(Many(ServiceCount).Append(LoadBalancer("bench", "added"))), 2);

        var shard = IntentShards.Key(IntentShards.Of("bench", "added"));
        Assert.True(result.Written);
        Assert.Equal([shard], IntentKeys(store.Written.Keys));
        Assert.Equal([shard], IntentKeys(store.Read.Keys));
        var intents = await StoredIntentShards.ReadAllAsync(state.Store);
        Assert.Equal(ServiceCount + 1, intents.Intents.Count);
    }

    [Fact]
    public async Task ReconcileAsync_RestartedReplica_ReadsEveryShardAndFindsNothingToWrite()
    {
        await using var state = await StateFixture.StartAsync();
        var config = Config(Many(ServiceCount));
        await Replica(state, new MeteredStateStore(state.Store)).ReconcileAsync(config, 1);
        var store = new MeteredStateStore(state.Store);

        var result = await Replica(state, store).ReconcileAsync(config, 1);

        Assert.False(result.Written);
        Assert.Equal(IntentShards.AllKeys.Order(StringComparer.Ordinal), IntentKeys(store.Read.Keys));
        Assert.Empty(IntentKeys(store.Written.Keys));
        Assert.Equal(ServiceCount, (await StoredIntentShards.ReadAllAsync(state.Store)).Intents.Count);
    }

    [Fact]
    public async Task ReconcileAsync_AnotherReplicaWroteInBetween_MemoIgnoredAndShardRepaired()
    {
        await using var state = await StateFixture.StartAsync();
        var first = Replica(state, new MeteredStateStore(state.Store));
        var other = Replica(state, new MeteredStateStore(state.Store));
        var original = Many(10).ToList();
        await first.ReconcileAsync(Config(original), 1);

        // The other replica moves one Service to Local traffic (its shard changes), then the change is undone: the
        // first replica still remembers the original content of that shard, which is no longer what is stored.
        var changed = original.Select(s => s.Metadata.Name == "svc-0003" ? LoadBalancer("bench", "svc-0003", trafficPolicy: "Local") : s).ToList();
        await other.ReconcileAsync(Config(changed), 2);
        var result = await first.ReconcileAsync(Config(original), 3);

        Assert.True(result.Written);
        var intents = await StoredIntentShards.ReadAllAsync(state.Store);
        Assert.Equal("Cluster", intents.Intents.Single(i => i.Name == "svc-0003").ExternalTrafficPolicy);
        var allocations = (await state.Store.GetJsonAsync<AllocationDocument>(AllocationDocument.StateKey)).Value!;
        Assert.Equal(allocations.Version, intents.AllocationVersion);
    }
}
