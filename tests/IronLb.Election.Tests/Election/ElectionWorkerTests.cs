using IronLb.Core.Contracts;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using IronLb.Election.Election;
using IronLb.Election.Lease;
using IronLb.ServiceDefaults;
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

    public ElectionWorkerTests() => _store = FileStateStore.Open(_directory);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private ElectionWorker Replica(string name, ElectionStatus? status = null) => new(
        _store,
        _published,
        new ElectionLease(_store, _time),
        status ?? new ElectionStatus(),
        new ReadinessGate("election"),
        Options.Create(new ElectionOptions { ReplicaId = name, LeaseDuration = TimeSpan.FromSeconds(6), Tick = TimeSpan.FromMilliseconds(500) }),
        _time,
        NullLogger<ElectionWorker>.Instance);

    private async Task WriteIntentsAsync(params string[] nodes)
    {
        var intent = new AnnouncementIntent("default", "web", ["203.0.113.10"], "pool", [new Layer2Announcement("l2", nodes, [])], [], "Cluster", nodes);
        await _store.TrySaveAsync(StateKeys.Intents, ContractJson.Serialize(new IntentSet(1, [intent])), etag: null);
    }

    private async Task BeatAsync(string node, double validForSeconds = 3) =>
        await _store.TrySaveAsync(StateKeys.Heartbeat(node), ContractJson.Serialize(new NodeHeartbeat(node, "layer2", _time.GetUtcNow(), TimeSpan.FromSeconds(validForSeconds))), etag: null);

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
    public async Task RunOnce_LeaderSilent_OtherReplicaTakesOverAfterLeaseExpires()
    {
        var statusB = new ElectionStatus();
        await Replica("a").RunOnceAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(5));
        await Replica("b", statusB).RunOnceAsync(CancellationToken.None);
        var beforeExpiry = statusB.IsLeader;
        _time.Advance(TimeSpan.FromSeconds(1));
        await Replica("b", statusB).RunOnceAsync(CancellationToken.None);

        Assert.False(beforeExpiry);
        Assert.True(statusB.IsLeader);
    }

    [Fact]
    public async Task RunOnce_OwnerHeartbeatExpires_AddressMovesAndEventPublished()
    {
        var (worker, first) = await ElectBetweenTwoLiveNodesAsync();
        var survivor = first.Node == "node1" ? "node2" : "node1";

        _time.Advance(TimeSpan.FromSeconds(2));
        await BeatAsync(survivor);
        _time.Advance(TimeSpan.FromSeconds(2));
        await worker.RunOnceAsync(CancellationToken.None);

        var moved = Assert.Single((await OwnersAsync()).Owners);
        Assert.Equal(survivor, moved.Node);
        Assert.True(moved.Epoch > first.Epoch);
        Assert.Equal([Topics.OwnersChanged, Topics.OwnersChanged], _published.Topics);
    }

    [Fact]
    public async Task RunOnce_OwnerLeft_AddressMovesWithoutWaitingForExpiry()
    {
        var (worker, first) = await ElectBetweenTwoLiveNodesAsync();

        // What a layer2 agent writes on a clean stop: a heartbeat valid for no time at all.
        await BeatAsync(first.Node, validForSeconds: 0);
        await worker.RunOnceAsync(CancellationToken.None);

        var moved = Assert.Single((await OwnersAsync()).Owners);
        Assert.NotEqual(first.Node, moved.Node);
        Assert.True(moved.Epoch > first.Epoch);
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
