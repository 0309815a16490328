using IronLb.Core.Contracts;
using IronLb.Core.Failover;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using IronLb.Layer2.Ownership;
using IronLb.ServiceDefaults;
using IronLb.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Layer2.Tests.Ownership;

public sealed class Layer2AgentTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-layer2-").FullName;
    private readonly FileStateStore _store;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingPublisher _published = new();

    public Layer2AgentTests() => _store = FileStateStore.Open(_directory);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Layer2Agent Agent(IStateStore store, string node = "node1") => new(
        store,
        _published,
        new Layer2Status(),
        new ReadinessGate("layer2"),
        Options.Create(new Layer2Options()),
        Options.Create(new FailoverOptions()),
        Options.Create(new NodeOptions { Name = node }),
        _time,
        NullLogger<Layer2Agent>.Instance);

    private async Task WriteOwnersAsync(long version, params (string Address, string Node, long Epoch)[] owners) =>
        await _store.TrySaveAsync(
            StateKeys.Owners,
            ContractJson.Serialize(new OwnerSet(version, [.. owners.Select(o => new AddressOwner(o.Address, o.Node, o.Epoch, [], ["default/web"]))])),
            etag: null);

    private async Task<NodeHeartbeat> HeartbeatAsync(string node = "node1") =>
        ContractJson.Deserialize<NodeHeartbeat>((await _store.GetAsync(StateKeys.Heartbeat(node))).Value)!;

    [Fact]
    public async Task Apply_OwnersRead_OwnAddressesOnly()
    {
        await WriteOwnersAsync(1, ("203.0.113.10", "node1", 1), ("203.0.113.11", "node2", 1));
        var agent = Agent(_store);

        await agent.ResyncAsync(CancellationToken.None);
        var owned = agent.Apply();

        Assert.Equal(["203.0.113.10"], owned.Select(o => o.Address));
    }

    [Fact]
    public async Task Beat_EveryWrite_SequenceGrowsAndNotLeaving()
    {
        var agent = Agent(_store);

        await agent.BeatAsync(CancellationToken.None);
        var first = await HeartbeatAsync();
        await agent.BeatAsync(CancellationToken.None);
        var second = await HeartbeatAsync();

        Assert.Equal((1, false), (first.Sequence, first.Leaving));
        Assert.Equal((2, false), (second.Sequence, second.Leaving));
    }

    [Fact]
    public async Task Apply_StoreUnreachable_KeepsTheOwnersLastRead()
    {
        await WriteOwnersAsync(1, ("203.0.113.10", "node1", 1));
        var failing = new SwitchableStateStore(_store);
        var agent = Agent(failing);
        await agent.ResyncAsync(CancellationToken.None);

        failing.Down = true;
        await Assert.ThrowsAsync<IOException>(() => agent.ResyncAsync(CancellationToken.None));
        await Assert.ThrowsAsync<IOException>(() => agent.BeatAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(30));

        // Fail static: whether the node may still answer is the LAN hand-over's call, not the store's.
        Assert.Equal(["203.0.113.10"], agent.Apply().Select(o => o.Address));
    }

    [Fact]
    public async Task Resync_OlderOwnerSet_Ignored()
    {
        await WriteOwnersAsync(5, ("203.0.113.10", "node1", 5));
        var agent = Agent(_store);
        await agent.ResyncAsync(CancellationToken.None);

        await WriteOwnersAsync(4, ("203.0.113.10", "node2", 4));
        await agent.ResyncAsync(CancellationToken.None);

        Assert.Equal(["203.0.113.10"], agent.Apply().Select(o => o.Address));
    }

    [Fact]
    public async Task Leave_WritesALeavingHeartbeatThenRingsElection()
    {
        var agent = Agent(_store);
        await agent.BeatAsync(CancellationToken.None);

        await agent.LeaveAsync(CancellationToken.None);

        var heartbeat = await HeartbeatAsync();
        Assert.True(heartbeat.Leaving);
        Assert.Equal(2, heartbeat.Sequence);
        Assert.Equal([Topics.NodeLeaving], _published.Topics);
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
