using System.Text.Json;
using IronLb.Core.Configuration;
using IronLb.Core.Contracts;
using IronLb.Core.State;
using IronLb.Ipam.Allocation;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Planning;

public class IpamReconcilerTests
{
    private static ClusterConfiguration Config(IpAddressPool[] pools, params Service[] services) => new()
    {
        IpAddressPools = ValueList.Create(pools),
        Services = ValueList.Create(services),
        L2Advertisements = ValueList.Create([new L2Advertisement { Metadata = new ObjectMeta { Name = "l2" } }]),
    };

    private static async Task<AllocationDocument> StoredAllocations(IStateStore store) =>
        (await store.GetJsonAsync<AllocationDocument>(AllocationDocument.StateKey)).Value!;

    private static Task<IntentSet> StoredIntents(IStateStore store) => StoredIntentShards.ReadAllAsync(store);

    [Fact]
    public async Task ReconcileAsync_NewServices_WritesAllocationsAndIntentsAndRingsIntentsChanged()
    {
        await using var state = await StateFixture.StartAsync();
        var config = Config([Pool("a", ["192.0.2.0/30"])], LoadBalancer("ns", "one"), LoadBalancer("ns", "two"));

        var result = await state.Replica().ReconcileAsync(config, 1);

        Assert.True(result.Written);
        var stored = await StoredAllocations(state.Store);
        Assert.Equal(["ns/one=192.0.2.0", "ns/two=192.0.2.1"], stored.Allocations.Select(a => $"{a.Namespace}/{a.Name}={a.Addresses[0]}"));
        var intents = await StoredIntents(state.Store);
        int[] shards = [.. new[] { IntentShards.Of("ns", "one"), IntentShards.Of("ns", "two") }.Distinct().Order()];
        Assert.Equal(shards.Length, intents.Version);
        Assert.Equal(["l2"], intents.Intents[0].Layer2.Select(l => l.Advertisement));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var envelope = await state.IntentsEvents.ReadAsync(timeout.Token);
        var announced = JsonSerializer.Deserialize<StateChanged>(envelope.Data.Span, StateStoreJsonExtensions.DefaultOptions)!;
        Assert.Equal(1, announced.Version);
        Assert.Equal(shards, announced.Shards);
    }

    [Fact]
    public async Task ReconcileAsync_StoreLostEverything_RebuildsAndIntentsVersionContinuesAboveTheLost()
    {
        await using var state = await StateFixture.StartAsync();
        var replica = state.Replica();
        var config = Config([Pool("a", ["192.0.2.0/29"])], LoadBalancer("ns", "one"));
        await replica.ReconcileAsync(config, 1);
        var written = await replica.ReconcileAsync(Config([Pool("a", ["192.0.2.0/29"])], LoadBalancer("ns", "one"), LoadBalancer("ns", "two")), 2);
        var lost = await StoredIntents(state.Store);

        // Redis restarted without persistence: the node agents still hold the shards' versions and take a shard only when its version moved.
        Assert.True(await state.Store.TryDeleteAsync(AllocationDocument.StateKey, etag: null));
        foreach (var key in IntentShards.AllKeys)
        {
            Assert.True(await state.Store.TryDeleteAsync(key, etag: null));
        }
        var result = await replica.ReconcileAsync(Config([Pool("a", ["192.0.2.0/29"])], LoadBalancer("ns", "one"), LoadBalancer("ns", "two")), 2);

        Assert.True(result.Written);
        var rebuilt = await StoredIntents(state.Store);
        Assert.True(rebuilt.Version > lost.Version, $"intents version {rebuilt.Version} after the loss, {lost.Version} before");
        Assert.True(result.AllocationVersion > written.AllocationVersion, $"allocation version {result.AllocationVersion} after the loss, {written.AllocationVersion} before");
        Assert.Equal(lost.Intents.Select(i => $"{i.Name}={string.Join(',', i.Addresses)}"), rebuilt.Intents.Select(i => $"{i.Name}={string.Join(',', i.Addresses)}"));
    }

    [Fact]
    public async Task ReconcileAsync_NothingChanged_WritesNothing()
    {
        await using var state = await StateFixture.StartAsync();
        var config = Config([Pool("a", ["192.0.2.0/30"])], LoadBalancer("ns", "one"));
        await state.Replica().ReconcileAsync(config, 1);

        var second = await state.Replica().ReconcileAsync(config, 1);

        Assert.False(second.Written);
        Assert.Equal(1, second.AllocationVersion);
    }

    [Fact]
    public async Task ReconcileAsync_RestartedReplica_KeepsEveryExistingAllocation()
    {
        await using var state = await StateFixture.StartAsync();
        var pool = Pool("a", ["192.0.2.0/29"]);
        await state.Replica().ReconcileAsync(Config([pool], LoadBalancer("m", "one"), LoadBalancer("m", "two")), 1);

        // A fresh replica sees a Service that sorts before the others; it must not take their addresses.
        var restarted = await state.Replica().ReconcileAsync(Config([pool], LoadBalancer("a", "first"), LoadBalancer("m", "one"), LoadBalancer("m", "two")), 2);

        var byName = restarted.Plans.ToDictionary(p => p.Namespace + "/" + p.Name, p => p.Addresses[0]);
        Assert.Equal("192.0.2.0", byName["m/one"]);
        Assert.Equal("192.0.2.1", byName["m/two"]);
        Assert.Equal("192.0.2.2", byName["a/first"]);
    }

    [Fact]
    public async Task ReconcileAsync_PoolShrinks_OnlyInvalidAllocationsMove()
    {
        await using var state = await StateFixture.StartAsync();
        var services = new[] { LoadBalancer("ns", "a"), LoadBalancer("ns", "b"), LoadBalancer("ns", "c") };
        await state.Replica().ReconcileAsync(Config([Pool("p", ["192.0.2.0/29"])], services), 1);

        var result = await state.Replica().ReconcileAsync(Config([Pool("p", ["192.0.2.1-192.0.2.7"])], services), 2);

        var byName = result.Plans.ToDictionary(p => p.Name, p => p.Addresses[0]);
        Assert.Equal("192.0.2.1", byName["b"]);
        Assert.Equal("192.0.2.2", byName["c"]);
        Assert.Equal("192.0.2.3", byName["a"]);
    }

    [Fact]
    public async Task ReconcileAsync_OlderConfigurationThanStored_DoesNotWrite()
    {
        await using var state = await StateFixture.StartAsync();
        var pool = Pool("a", ["192.0.2.0/30"]);
        await state.Replica().ReconcileAsync(Config([pool], LoadBalancer("ns", "one"), LoadBalancer("ns", "two")), 5);

        var stale = await state.Replica().ReconcileAsync(Config([pool], LoadBalancer("ns", "one")), 4);

        Assert.True(stale.Stale);
        Assert.Equal(2, (await StoredAllocations(state.Store)).Allocations.Count);
    }

    [Fact]
    public async Task ReconcileAsync_ServiceDeleted_AddressReturnsToPool()
    {
        await using var state = await StateFixture.StartAsync();
        var pool = Pool("a", ["192.0.2.0/31"]);
        await state.Replica().ReconcileAsync(Config([pool], LoadBalancer("ns", "one"), LoadBalancer("ns", "two")), 1);
        await state.Replica().ReconcileAsync(Config([pool], LoadBalancer("ns", "two")), 2);

        var result = await state.Replica().ReconcileAsync(Config([pool], LoadBalancer("ns", "two"), LoadBalancer("ns", "three")), 3);

        Assert.Equal(["192.0.2.0"], result.Plans.Single(p => p.Name == "three").Addresses);
        Assert.Equal(new PoolStatus("a", 2, 0, 0, 0), Assert.Single(result.Pools));
        Assert.Equal(["ns/three", "ns/two"], (await StoredIntents(state.Store)).Intents.Select(i => i.Namespace + "/" + i.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReconcileAsync_EndpointsMoved_OnlyIntentsChangeAndEventRings()
    {
        await using var state = await StateFixture.StartAsync();
        static EndpointSlice Slice(string node) => new()
        {
            Metadata = new ObjectMeta { Name = "one-x", Namespace = "ns", Labels = StringMap.Of(("kubernetes.io/service-name", "one")) },
            Endpoints = ValueList.Create([new Endpoint { NodeName = node, Ready = true }]),
        };
        var config = Config([Pool("a", ["192.0.2.0/30"])], LoadBalancer("ns", "one"));
        var first = await state.Replica().ReconcileAsync(config with { EndpointSlices = ValueList.Create([Slice("n1")]) }, 1);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await state.IntentsEvents.ReadAsync(timeout.Token);

        var second = await state.Replica().ReconcileAsync(config with { EndpointSlices = ValueList.Create([Slice("n2")]) }, 2);

        // One Service changed: one shard written, so the sum of shard versions moves by one.
        Assert.Equal(first.IntentsVersion + 1, second.IntentsVersion);
        Assert.Equal(["n2"], (await StoredIntents(state.Store)).Intents[0].NodesWithReadyEndpoints);
        Assert.Equal(["192.0.2.0"], second.Plans[0].Addresses);
        var envelope = await state.IntentsEvents.ReadAsync(timeout.Token);
        var announced = JsonSerializer.Deserialize<StateChanged>(envelope.Data.Span, StateStoreJsonExtensions.DefaultOptions)!;
        Assert.Equal(second.AllocationVersion, announced.Version);
        Assert.Equal([IntentShards.Of("ns", "one")], announced.Shards);
    }

    [Fact]
    public async Task ReconcileAsync_SharerChangesItsKey_ChangedServiceMovesUnchangedOneStays()
    {
        await using var state = await StateFixture.StartAsync();
        var pool = Pool("a", ["192.0.2.0/30"]);
        (string, string)[] shared = [("metallb.io/allow-shared-ip", "k")];
        await state.Replica().ReconcileAsync(Config([pool], LoadBalancer("ns", "a-changes", annotations: shared, ports: [("TCP", 80)]), LoadBalancer("ns", "b-stays", annotations: shared, ports: [("TCP", 443)])), 1);

        var result = await state.Replica().ReconcileAsync(Config([pool], LoadBalancer("ns", "a-changes", annotations: [("metallb.io/allow-shared-ip", "other")], ports: [("TCP", 80)]), LoadBalancer("ns", "b-stays", annotations: shared, ports: [("TCP", 443)])), 2);

        var byName = result.Plans.ToDictionary(p => p.Name, p => p.Addresses[0]);
        Assert.Equal("192.0.2.0", byName["b-stays"]);
        Assert.Equal("192.0.2.1", byName["a-changes"]);
    }
}
