using IronLb.Core.Contracts;
using IronLb.Core.Events;
using IronLb.Core.Failover;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using IronLb.Election.Election;
using IronLb.Election.Lease;
using IronLb.ServiceDefaults;
using IronLb.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Election.Tests.Election;

public sealed class ElectionWorkerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-election-").FullName;
    private readonly FileStateStore _store;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingPublisher _published = new();
    private readonly EventFeed _feed = new(1024);

    public ElectionWorkerTests() => _store = FileStateStore.Open(_directory);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static readonly FailoverOptions Timing = new();

    private IntegrationEvents Events => new(_feed, Options.Create(new EventsOptions { Instance = "test" }), _time);
    private readonly Dictionary<string, long> _sequences = [];
    private readonly Dictionary<string, ElectionWorker> _replicas = [];

    // One worker per replica name, as one process keeps its own observations and lease.
    private ElectionWorker Replica(string name, ElectionStatus? status = null)
    {
        if (!_replicas.TryGetValue(name, out var worker))
        {
            worker = new ElectionWorker(
                _store,
                _published,
                Events,
                new ElectionLease(_store, Options.Create(Timing), _time),
                status ?? new ElectionStatus(),
                new ReadinessGate("election"),
                Options.Create(new ElectionOptions { ReplicaId = name }),
                Options.Create(Timing),
                _time,
                NullLogger<ElectionWorker>.Instance);
            _replicas[name] = worker;
        }

        return worker;
    }

    private async Task WriteIntentsAsync(params string[] nodes)
    {
        var intent = new AnnouncementIntent("default", "web", ["203.0.113.10"], "pool", [new Layer2Announcement("l2", nodes, [])], [], "Cluster", nodes);
        await _store.TrySaveAsync(StateKeys.IntentShard(IntentShards.Of("default", "web")), ContractJson.Serialize(new IntentSet(1, [intent])), etag: null);
    }

    private async Task BeatAsync(string node, bool leaving = false)
    {
        var sequence = _sequences[node] = _sequences.GetValueOrDefault(node) + 1;
        await _store.TrySaveAsync(StateKeys.Heartbeat(node), ContractJson.Serialize(new NodeHeartbeat(node, "layer2", sequence, leaving, _time.GetUtcNow())), etag: null);
    }

    /// <summary>One address for which node1 and node2 are both eligible and alive, elected once.</summary>
    private async Task<(ElectionWorker Worker, AddressOwner First)> ElectBetweenTwoLiveNodesAsync()
    {
        await WriteIntentsAsync("node1", "node2");
        await BeatAsync("node1");
        await BeatAsync("node2");
        var worker = Replica("a");
        await worker.RunOnceAsync(CancellationToken.None);
        return (worker, (await OwnersAsync()).Owners[0]);
    }

    private async Task<OwnerSet> OwnersAsync()
    {
        var entry = await _store.GetAsync(StateKeys.Owners);
        return entry.Value is null ? OwnerSet.Empty : ContractJson.Deserialize<OwnerSet>(entry.Value)!;
    }

    [Fact]
    public async Task RunOnceAsync_StoreLostTheOwners_NextOwnersVersionAboveEveryOneWrittenBefore()
    {
        var (worker, first) = await ElectBetweenTwoLiveNodesAsync();
        var before = await OwnersAsync();

        // Redis restarted without persistence: every key is gone; the nodes beat again, ipam writes the intents again.
        foreach (var key in new[] { StateKeys.Owners, StateKeys.ElectionLease, StateKeys.Heartbeat("node1"), StateKeys.Heartbeat("node2") }.Concat(IntentShards.AllKeys))
        {
            Assert.True(await _store.TryDeleteAsync(key, etag: null));
        }

        await WriteIntentsAsync("node1", "node2");
        await BeatAsync("node1");
        await BeatAsync("node2");
        worker.IntentsChanged();
        _time.Advance(Timing.ObserveInterval);
        await worker.RunOnceAsync(CancellationToken.None);

        var after = await OwnersAsync();
        Assert.True(after.Version > before.Version, $"owners version {after.Version} after the loss, {before.Version} before");
        Assert.True(after.Owners[0].Epoch > first.Epoch, $"epoch {after.Owners[0].Epoch} after the loss, {first.Epoch} before");
        Assert.Equal(first.Address, after.Owners[0].Address);
    }

    [Fact]
    public async Task RunOnce_TwoReplicas_OnlyLeaseHolderWritesOwners()
    {
        await WriteIntentsAsync("node1");
        await BeatAsync("node1");
        var statusA = new ElectionStatus();
        var statusB = new ElectionStatus();

        await Replica("a", statusA).RunOnceAsync(CancellationToken.None);
        await Replica("b", statusB).RunOnceAsync(CancellationToken.None);

        Assert.True(statusA.IsLeader);
        Assert.False(statusB.IsLeader);
        Assert.Equal("node1", Assert.Single((await OwnersAsync()).Owners).Node);
        Assert.Equal([Topics.OwnersChanged], _published.Topics);
    }

    [Fact]
    public async Task RunOnce_LeaderSilent_StandbyTakesOverOnceItSawTheLeaseUnchangedForItsDuration()
    {
        var statusB = new ElectionStatus();
        await Replica("a").RunOnceAsync(CancellationToken.None);
        await Replica("b", statusB).RunOnceAsync(CancellationToken.None);

        _time.Advance(Timing.LeaseDuration - TimeSpan.FromMilliseconds(1));
        await Replica("b", statusB).RunOnceAsync(CancellationToken.None);
        var beforeExpiry = statusB.IsLeader;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Replica("b", statusB).RunOnceAsync(CancellationToken.None);

        Assert.False(beforeExpiry);
        Assert.True(statusB.IsLeader);
    }

    [Fact]
    public async Task RunOnce_LeaderRenewing_StandbyNeverTakesOver()
    {
        var statusB = new ElectionStatus();
        for (var i = 0; i < 20; i++)
        {
            await Replica("a").RunOnceAsync(CancellationToken.None);
            await Replica("b", statusB).RunOnceAsync(CancellationToken.None);
            Assert.False(statusB.IsLeader);
            _time.Advance(Timing.LeaseRenewInterval);
        }
    }

    [Fact]
    public async Task RunOnce_ActiveReplicaDies_StandbyTakesOverAndMovesNoAddress()
    {
        var (_, first) = await ElectBetweenTwoLiveNodesAsync();
        var standby = Replica("b");
        await standby.RunOnceAsync(CancellationToken.None);

        // Replica "a" is gone; the nodes keep beating while the standby waits out the lease.
        for (var elapsed = TimeSpan.Zero; elapsed <= Timing.LeaseDuration; elapsed += Timing.HeartbeatInterval)
        {
            _time.Advance(Timing.HeartbeatInterval);
            await BeatAsync("node1");
            await BeatAsync("node2");
            await standby.RunOnceAsync(CancellationToken.None);
        }

        var owners = await OwnersAsync();
        var kept = Assert.Single(owners.Owners);
        Assert.Equal((first.Node, first.Epoch), (kept.Node, kept.Epoch));
        Assert.Single(_published.Topics);
    }

    [Fact]
    public async Task RunOnce_OwnerHeartbeatStopsChanging_AddressMovesAtTheTimeoutOnElectionsClock()
    {
        var (worker, first) = await ElectBetweenTwoLiveNodesAsync();
        var survivor = first.Node == "node1" ? "node2" : "node1";

        _time.Advance(Timing.HeartbeatTimeout - TimeSpan.FromMilliseconds(1));
        await BeatAsync(survivor);
        await worker.RunOnceAsync(CancellationToken.None);
        var beforeTimeout = Assert.Single((await OwnersAsync()).Owners).Node;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await worker.RunOnceAsync(CancellationToken.None);

        var moved = Assert.Single((await OwnersAsync()).Owners);
        Assert.Equal(first.Node, beforeTimeout);
        Assert.Equal(survivor, moved.Node);
        Assert.True(moved.Epoch > first.Epoch);
        Assert.Equal([Topics.OwnersChanged, Topics.OwnersChanged], _published.Topics);
    }

    [Fact]
    public async Task RunOnce_HeartbeatStampedFarInThePast_NodeAliveWhileItKeepsChanging()
    {
        await WriteIntentsAsync("node1");
        var worker = Replica("a");
        for (var i = 1; i <= 10; i++)
        {
            // The node's clock is an hour behind: only the change counts, never the stamp.
            await _store.TrySaveAsync(StateKeys.Heartbeat("node1"), ContractJson.Serialize(new NodeHeartbeat("node1", "layer2", i, false, _time.GetUtcNow().AddHours(-1))), etag: null);
            await worker.RunOnceAsync(CancellationToken.None);
            _time.Advance(Timing.HeartbeatInterval);
        }

        Assert.Equal("node1", Assert.Single((await OwnersAsync()).Owners).Node);
    }

    [Fact]
    public async Task RunOnce_OwnerLeft_AddressMovesWithoutWaitingForTheTimeout()
    {
        var (worker, first) = await ElectBetweenTwoLiveNodesAsync();

        await BeatAsync(first.Node, leaving: true);
        await worker.RunOnceAsync(CancellationToken.None);

        var moved = Assert.Single((await OwnersAsync()).Owners);
        Assert.NotEqual(first.Node, moved.Node);
        Assert.True(moved.Epoch > first.Epoch);
    }

    [Fact]
    public async Task RunOnce_StoreOutageLongerThanTheTimeout_NothingMovesWhenItReturns()
    {
        var (_, first) = await ElectBetweenTwoLiveNodesAsync();
        var failing = new SwitchableStateStore(_store);
        var worker = new ElectionWorker(failing, _published, Events, new ElectionLease(failing, Options.Create(Timing), _time), new ElectionStatus(),
            new ReadinessGate("election"), Options.Create(new ElectionOptions { ReplicaId = "a" }), Options.Create(Timing), _time, NullLogger<ElectionWorker>.Instance);
        await worker.RunOnceAsync(CancellationToken.None);

        failing.Down = true;
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(Timing.HeartbeatTimeout);
            await Assert.ThrowsAsync<IOException>(() => worker.RunOnceAsync(CancellationToken.None));
        }

        // Back: election's first read still finds the heartbeats from before the outage; the nodes beat again soon after.
        failing.Down = false;
        await worker.RunOnceAsync(CancellationToken.None);
        _time.Advance(Timing.HeartbeatInterval);
        await BeatAsync("node1");
        await BeatAsync("node2");
        await worker.RunOnceAsync(CancellationToken.None);

        var kept = Assert.Single((await OwnersAsync()).Owners);
        Assert.Equal((first.Node, first.Epoch), (kept.Node, kept.Epoch));
        Assert.Single(_published.Topics);
    }

    [Fact]
    public async Task RunOnce_EveryNodeSilentThenTheyReturnOneByOne_NothingMoves()
    {
        var (worker, first) = await ElectBetweenTwoLiveNodesAsync();
        var other = first.Node == "node1" ? "node2" : "node1";

        // The nodes lose the store together; election still reads it and sees both fall silent.
        for (var i = 0; i < 20; i++)
        {
            _time.Advance(Timing.ObserveInterval);
            await worker.RunOnceAsync(CancellationToken.None);
        }

        // They come back one after the other, the owner last.
        await BeatAsync(other);
        await worker.RunOnceAsync(CancellationToken.None);
        _time.Advance(Timing.HeartbeatInterval);
        await BeatAsync(first.Node);
        await worker.RunOnceAsync(CancellationToken.None);

        var kept = Assert.Single((await OwnersAsync()).Owners);
        Assert.Equal((first.Node, first.Epoch), (kept.Node, kept.Epoch));
        Assert.Single(_published.Topics);
    }

    [Fact]
    public async Task RunOnce_NothingChanged_NoWriteNoEvent()
    {
        await WriteIntentsAsync("node1");
        await BeatAsync("node1");
        var worker = Replica("a");
        await worker.RunOnceAsync(CancellationToken.None);
        var etag = (await _store.GetAsync(StateKeys.Owners)).ETag;

        await worker.RunOnceAsync(CancellationToken.None);

        Assert.Equal(etag, (await _store.GetAsync(StateKeys.Owners)).ETag);
        Assert.Single(_published.Topics);
    }

    [Fact]
    public async Task RunOnce_OwnerLeftThenNothingChanges_OneOwnerChangedEventPerWriteWithEpochChain()
    {
        var (worker, first) = await ElectBetweenTwoLiveNodesAsync();
        await BeatAsync(first.Node, leaving: true);
        await worker.RunOnceAsync(CancellationToken.None);
        await worker.RunOnceAsync(CancellationToken.None);

        var events = PublicEvents();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(EventTypes.Layer2OwnerChanged, e.GetProperty("type").GetString()));
        Assert.Equal("addresses/203.0.113.10", events[1].GetProperty("subject").GetString());
        var (elected, moved) = (events[0].GetProperty("data"), events[1].GetProperty("data"));
        Assert.Equal(("elected", first.Node, first.Epoch), (elected.GetProperty("reason").GetString(), elected.GetProperty("node").GetString(), elected.GetProperty("version").GetInt64()));
        Assert.Equal("moved", moved.GetProperty("reason").GetString());
        Assert.Equal(first.Node, moved.GetProperty("previousNode").GetString());
        Assert.Equal(first.Epoch, moved.GetProperty("previousVersion").GetInt64());
        Assert.Equal((await OwnersAsync()).Owners[0].Epoch, moved.GetProperty("version").GetInt64());
        Assert.Equal("/ironlb/election/test", events[1].GetProperty("source").GetString());
    }

    private List<System.Text.Json.JsonElement> PublicEvents()
    {
        using var subscription = _feed.Subscribe(replay: true);
        var events = new List<System.Text.Json.JsonElement>();
        while (subscription.Reader.TryRead(out var streamed))
        {
            events.Add(System.Text.Json.JsonDocument.Parse(streamed.CloudEvent).RootElement.Clone());
        }

        return events;
    }

    private sealed class RecordingPublisher : IEventPublisher
    {
        public List<string> Topics { get; } = [];

        public Task PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            Topics.Add(topic);
            return Task.CompletedTask;
        }
    }
}
