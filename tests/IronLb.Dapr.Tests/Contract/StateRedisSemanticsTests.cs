using System.Text;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using IronLb.Testing;
using StackExchange.Redis;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>
/// What daprd in front of state.redis really does with each state call IronLB could make, pinned through the real
/// Dapr.Client: against the local sidecar here, and unchanged against daprd when it is on the PATH. Several of these
/// behaviours are unsafe on purpose (a first-write save overwrites, a transaction is not atomic): IronLB must not depend
/// on them, and the tests prove the stand-in is no stricter than the real thing.
/// Sources: components-contrib state/redis/redis.go (scripts, Set, Delete, Multi) and dapr/dapr pkg/api/grpc/grpc.go.
/// </summary>
[Trait("Category", "Sidecar")]
public sealed class StateRedisSemanticsTests(StateRedisFixture fixture) : IClassFixture<StateRedisFixture>
{
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };
    private readonly string _prefix = "sem-" + Guid.NewGuid().ToString("N")[..8] + "-";

    private DaprClient Client => fixture.Client;

    [Fact]
    public async Task SaveState_FirstWriteWithoutETagOnUnmarkedKey_OverwritesSilently()
    {
        var key = Key("unmarked");
        await Client.SaveByteStateAsync(StateRedisFixture.Store, key, Bytes("a"));

        var saved = await Client.TrySaveByteStateAsync(StateRedisFixture.Store, key, Bytes("b"), "", FirstWrite);

        Assert.True(saved);
        Assert.Equal(("b", "2"), await ReadAsync(key));
    }

    [Fact]
    public async Task SaveState_FirstWriteWithoutETagOnMarkedKey_FailsInternalNotAborted()
    {
        var key = Key("marked");
        Assert.True(await Client.TrySaveByteStateAsync(StateRedisFixture.Store, key, Bytes("a"), "", FirstWrite));

        var failure = await Assert.ThrowsAsync<DaprException>(() => Client.TrySaveByteStateAsync(StateRedisFixture.Store, key, Bytes("b"), "", FirstWrite));

        Assert.Equal(StatusCode.Internal, Code(failure));
        Assert.Equal(("a", "1"), await ReadAsync(key));
    }

    [Fact]
    public async Task SaveState_LastWriteOnMarkedKey_FailsInternal()
    {
        var key = Key("marked-last-write");
        Assert.True(await Client.TrySaveByteStateAsync(StateRedisFixture.Store, key, Bytes("a"), "", FirstWrite));

        var failure = await Assert.ThrowsAsync<DaprException>(() => Client.SaveByteStateAsync(StateRedisFixture.Store, key, Bytes("b")));

        Assert.Equal(StatusCode.Internal, Code(failure));
        Assert.Equal(("a", "1"), await ReadAsync(key));
    }

    [Fact]
    public async Task SaveState_StaleETag_AbortedSoTrySaveReturnsFalse()
    {
        var key = Key("stale");
        await Client.SaveByteStateAsync(StateRedisFixture.Store, key, Bytes("a"));
        await Client.SaveByteStateAsync(StateRedisFixture.Store, key, Bytes("b"));

        var saved = await Client.TrySaveByteStateAsync(StateRedisFixture.Store, key, Bytes("c"), "1");

        Assert.False(saved);
        Assert.Equal(("b", "2"), await ReadAsync(key));
    }

    [Fact]
    public async Task SaveState_ETagOnAbsentKey_CreatesAtVersionOne()
    {
        var key = Key("absent");

        var saved = await Client.TrySaveByteStateAsync(StateRedisFixture.Store, key, Bytes("resurrected"), "7");

        Assert.True(saved);
        Assert.Equal(("resurrected", "1"), await ReadAsync(key));
    }

    [Fact]
    public async Task SaveState_ETagNotAnInteger_InvalidArgument()
    {
        var key = Key("bad-etag");
        await Client.SaveByteStateAsync(StateRedisFixture.Store, key, Bytes("a"));

        var failure = await Assert.ThrowsAsync<DaprException>(() => Client.TrySaveByteStateAsync(StateRedisFixture.Store, key, Bytes("b"), "not-a-version"));

        Assert.Equal(StatusCode.InvalidArgument, Code(failure));
    }

    [Fact]
    public async Task SaveState_EveryWrite_ETagIsDecimalVersionRestartingAtOneAfterDelete()
    {
        var key = Key("versions");
        var seen = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await Client.SaveByteStateAsync(StateRedisFixture.Store, key, Bytes("v" + i));
            seen.Add((await ReadAsync(key)).ETag);
        }

        await Client.DeleteStateAsync(StateRedisFixture.Store, key);
        await Client.SaveByteStateAsync(StateRedisFixture.Store, key, Bytes("again"));

        Assert.Equal(["1", "2", "3"], seen);
        Assert.Equal(("again", "1"), await ReadAsync(key));
    }

    [Fact]
    public async Task DeleteState_StaleETagThenETagOnAbsentKey_FalseThenTrue()
    {
        var key = Key("delete");
        await Client.SaveByteStateAsync(StateRedisFixture.Store, key, Bytes("a"));
        await Client.SaveByteStateAsync(StateRedisFixture.Store, key, Bytes("b"));

        var stale = await Client.TryDeleteStateAsync(StateRedisFixture.Store, key, "1");
        Assert.True(await Client.TryDeleteStateAsync(StateRedisFixture.Store, key, "2"));
        var absent = await Client.TryDeleteStateAsync(StateRedisFixture.Store, key, "5");

        Assert.False(stale);
        Assert.True(absent);
    }

    [Fact]
    public async Task ExecuteStateTransaction_OneStaleETag_FailsInternalWithoutEtagWordAndKeepsTheOtherWrites()
    {
        var (first, created, stale) = (Key("tx-first"), Key("tx-created"), Key("tx-stale"));
        await Client.SaveByteStateAsync(StateRedisFixture.Store, first, Bytes("a"));
        await Client.SaveByteStateAsync(StateRedisFixture.Store, stale, Bytes("b"));
        await Client.SaveByteStateAsync(StateRedisFixture.Store, stale, Bytes("b2"));

        var failure = await Assert.ThrowsAsync<DaprException>(() => Client.ExecuteStateTransactionAsync(StateRedisFixture.Store,
        [
            new StateTransactionRequest(first, Bytes("a2"), StateOperationType.Upsert, "1"),
            new StateTransactionRequest(created, Bytes("c"), StateOperationType.Upsert),
            new StateTransactionRequest(stale, Bytes("lost"), StateOperationType.Upsert, "1"),
        ]));

        Assert.Equal(StatusCode.Internal, Code(failure));
        Assert.DoesNotContain("etag", ((RpcException)failure.InnerException!).Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(("a2", "2"), await ReadAsync(first));
        Assert.Equal(("c", "1"), await ReadAsync(created));
        Assert.Equal(("b2", "2"), await ReadAsync(stale));
    }

    [Fact]
    public async Task ExecuteStateTransaction_FirstWriteUpsert_SetsNoMarkerSoALaterFirstWriteOverwrites()
    {
        var key = Key("tx-unmarked");
        await Client.ExecuteStateTransactionAsync(StateRedisFixture.Store,
            [new StateTransactionRequest(key, Bytes("tx"), StateOperationType.Upsert, "", options: FirstWrite)]);

        var markedByTransaction = await fixture.Redis.HashExistsAsync(key, "first-write");

        var overwritten = await Client.TrySaveByteStateAsync(StateRedisFixture.Store, key, Bytes("other"), "", FirstWrite);

        Assert.False(markedByTransaction);
        Assert.True(overwritten);
        Assert.Equal(("other", "2"), await ReadAsync(key));
    }

    private static StatusCode Code(DaprException failure) => Assert.IsType<RpcException>(failure.InnerException).StatusCode;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes("\"" + text + "\"");

    private async Task<(string Value, string ETag)> ReadAsync(string key)
    {
        var (value, etag) = await Client.GetByteStateAndETagAsync(StateRedisFixture.Store, key);
        return (Encoding.UTF8.GetString(value.Span).Trim('"'), etag);
    }

    private string Key(string name) => _prefix + name;
}

/// <summary>One Redis and one sidecar (daprd when on the PATH) with keyPrefix none, so the tests can look at the Redis hashes.</summary>
public sealed class StateRedisFixture : IAsyncLifetime
{
    public const string Store = "statestore";

    private RedisServer? _server;
    private string? _resources;
    private SidecarProcess? _sidecar;
    private ConnectionMultiplexer? _connection;

    public DaprClient Client { get; private set; } = null!;

    public IDatabase Redis => _connection!.GetDatabase();

    public async Task InitializeAsync()
    {
        try
        {
            _server = await RedisServer.StartAsync();
            _resources = DaprResources.Write(_server, "{appID}");
            _sidecar = await SidecarProcess.StartAsync("state-semantics", "state-semantics-0", _server, _resources);
            Client = new DaprClientBuilder().UseGrpcEndpoint(_sidecar.GrpcEndpoint).UseHttpEndpoint(_sidecar.HttpEndpoint).Build();
            _connection = await ConnectionMultiplexer.ConnectAsync(_server.Host);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }

        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
            _sidecar = null;
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }

        if (_resources is not null)
        {
            Directory.Delete(_resources, recursive: true);
            _resources = null;
        }
    }
}
