using IronLb.Core.Contracts;
using IronLb.Core.State;
using IronLb.Layer2.Ownership;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Layer2.Tests.Ownership;

public sealed class Layer2AgentTests : IDisposable
{
    private static readonly Layer2Options Settings = new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        HeartbeatValidFor = TimeSpan.FromSeconds(3),
        FenceMargin = TimeSpan.FromSeconds(1),
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-layer2-").FullName;
    private readonly FileStateStore _store;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public Layer2AgentTests() => _store = FileStateStore.Open(_directory);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Layer2Agent Agent(IStateStore store, string node = "node1") => new(
        store,
        new LivenessFence(_time),
        new Layer2Status(),
        new ReadinessGate("layer2"),
        Options.Create(Settings),
        Options.Create(new NodeOptions { Name = node }),
        _time,
        NullLogger<Layer2Agent>.Instance);

    private async Task WriteOwnersAsync(long version, params (string Address, string Node, long Epoch)[] owners) =>
        await _store.TrySaveAsync(
            StateKeys.Owners,
            ContractJson.Serialize(new OwnerSet(version, [.. owners.Select(o => new AddressOwner(o.Address, o.Node, o.Epoch, [], ["default/web"]))])),
            etag: null);

    [Fact]
    public async Task Apply_HeartbeatAcknowledged_AnswersForOwnAddressesOnly()
    {
        await WriteOwnersAsync(1, ("203.0.113.10", "node1", 1), ("203.0.113.11", "node2", 1));
        var agent = Agent(_store);

        await agent.BeatAsync(CancellationToken.None);
        await agent.ResyncAsync(CancellationToken.None);
        var owned = agent.Apply();

        Assert.Equal(["203.0.113.10"], owned.Select(o => o.Address));
        var heartbeat = ContractJson.Deserialize<NodeHeartbeat>((await _store.GetAsync(StateKeys.Heartbeat("node1"))).Value);
        Assert.Equal(_time.GetUtcNow(), heartbeat!.At);
    }

    [Fact]
    public async Task Apply_NoHeartbeatAcknowledged_AnswersNothing()
    {
        await WriteOwnersAsync(1, ("203.0.113.10", "node1", 1));
        var agent = Agent(_store);

        await agent.ResyncAsync(CancellationToken.None);

        Assert.Empty(agent.Apply());
    }

    [Fact]
    public async Task Apply_StoreLostAfterBeat_FallsSilentBeforeElectionMayMoveTheAddress()
    {
        await WriteOwnersAsync(1, ("203.0.113.10", "node1", 1));
        var failing = new SwitchableStore(_store);
        var agent = Agent(failing);
        await agent.BeatAsync(CancellationToken.None);
        await agent.ResyncAsync(CancellationToken.None);
        var heartbeatAt = _time.GetUtcNow();

        failing.Down = true;
        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<IOException>(() => agent.BeatAsync(CancellationToken.None));
        var stillAnswering = agent.Apply();
        _time.Advance(TimeSpan.FromSeconds(1));
        var silent = agent.Apply();

        Assert.Single(stillAnswering);
        Assert.Empty(silent);

        // Election treats the node as alive until the heartbeat expires: the agent is silent strictly before that.
        Assert.True(_time.GetUtcNow() < heartbeatAt + Settings.HeartbeatValidFor);
    }

    [Fact]
    public async Task Resync_OlderOwnerSet_Ignored()
    {
        await WriteOwnersAsync(5, ("203.0.113.10", "node1", 5));
        var agent = Agent(_store);
        await agent.BeatAsync(CancellationToken.None);
        await agent.ResyncAsync(CancellationToken.None);

        await WriteOwnersAsync(4, ("203.0.113.10", "node2", 4));
        await agent.ResyncAsync(CancellationToken.None);

        Assert.Equal(["203.0.113.10"], agent.Apply().Select(o => o.Address));
    }

    [Fact]
    public async Task Stop_AfterRunning_LeavesWithAHeartbeatValidForNoTime()
    {
        await WriteOwnersAsync(1, ("203.0.113.10", "node1", 1));
        var agent = Agent(_store);
        await agent.StartAsync(CancellationToken.None);
        for (var i = 0; i < 200 && (await _store.GetAsync(StateKeys.Heartbeat("node1"))).Value is null; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }

        await agent.StopAsync(CancellationToken.None);

        var heartbeat = ContractJson.Deserialize<NodeHeartbeat>((await _store.GetAsync(StateKeys.Heartbeat("node1"))).Value);
        Assert.Equal(TimeSpan.Zero, heartbeat!.ValidFor);
    }

    /// <summary>The state store as seen through a sidecar that can become unreachable.</summary>
    private sealed class SwitchableStore(IStateStore inner) : IStateStore
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
}
