using global::Dapr;
using global::Dapr.Client;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using IronLb.LocalSidecar.Hosting;

namespace IronLb.Dapr.Tests.Sidecar;

/// <summary>The state API through the real Dapr.Client against the sidecar and a real Redis.</summary>
[Collection(SharedRedis.Name)]
public sealed class StateApiTests(RedisServer redis) : IAsyncLifetime
{
    private const string Store = "statestore";
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };
    private readonly string _appId = "state-" + Guid.NewGuid().ToString("N")[..8];
    private RunningSidecar? _sidecar;

    private DaprClient Client => _sidecar!.Client;

    public async Task InitializeAsync() =>
        _sidecar = await RunningSidecar.StartAsync(new SidecarOptions { AppId = _appId, Redis = redis.Host });

    public async Task DisposeAsync() => await _sidecar!.DisposeAsync();

    [Fact]
    public async Task GetState_MissingKey_ReturnsDefaultAndEmptyETag()
    {
        var (value, etag) = await Client.GetStateAndETagAsync<Lease>(Store, "missing");

        Assert.Null(value);
        Assert.Equal("", etag);
    }

    [Fact]
    public async Task TrySaveState_FirstWriteEmptyETagOnMissingKey_CreatesWithVersionOne()
    {
        var created = await Client.TrySaveStateAsync(Store, "lease", new Lease("node-a", 1), "", FirstWrite);

        var (value, etag) = await Client.GetStateAndETagAsync<Lease>(Store, "lease");
        Assert.True(created);
        Assert.Equal(new Lease("node-a", 1), value);
        Assert.Equal("1", etag);
    }

    [Fact]
    public async Task TrySaveState_FirstWriteEmptyETagOnKeyItCreated_ThrowsAndKeepsValue()
    {
        Assert.True(await Client.TrySaveStateAsync(Store, "lease", new Lease("node-a", 1), "", FirstWrite));

        // state.redis: the key carries the first-write marker, no ETag was given, so the failure is Internal, not a false.
        await Assert.ThrowsAsync<DaprException>(() => Client.TrySaveStateAsync(Store, "lease", new Lease("node-b", 1), "", FirstWrite));

        Assert.Equal("node-a", (await Client.GetStateAsync<Lease>(Store, "lease")).Holder);
    }

    [Fact]
    public async Task TrySaveState_StaleETag_ReturnsFalseAndCurrentETagSucceeds()
    {
        await Client.SaveStateAsync(Store, "lease", new Lease("node-a", 1));
        var (_, stale) = await Client.GetStateAndETagAsync<Lease>(Store, "lease");
        Assert.True(await Client.TrySaveStateAsync(Store, "lease", new Lease("node-b", 2), stale, FirstWrite));

        var withStale = await Client.TrySaveStateAsync(Store, "lease", new Lease("node-c", 3), stale, FirstWrite);
        var (value, current) = await Client.GetStateAndETagAsync<Lease>(Store, "lease");
        var withCurrent = await Client.TrySaveStateAsync(Store, "lease", new Lease("node-c", 3), current, FirstWrite);

        Assert.False(withStale);
        Assert.Equal(new Lease("node-b", 2), value);
        Assert.True(withCurrent);
    }

    [Fact]
    public async Task TrySaveState_StaleETagOnDeletedKey_ResurrectsAtVersionOne()
    {
        await Client.SaveStateAsync(Store, "lease", new Lease("node-a", 1));
        var (_, etag) = await Client.GetStateAndETagAsync<Lease>(Store, "lease");
        await Client.DeleteStateAsync(Store, "lease");

        // state.redis compares an ETag only with an existing version: a stale writer recreates a deleted key.
        var resurrected = await Client.TrySaveStateAsync(Store, "lease", new Lease("node-a", 2), etag, FirstWrite);

        Assert.True(resurrected);
        Assert.Equal((new Lease("node-a", 2), "1"), await Client.GetStateAndETagAsync<Lease>(Store, "lease"));
    }

    [Fact]
    public async Task SaveState_NoETag_LastWriteWins()
    {
        await Client.SaveStateAsync(Store, "k", new Lease("a", 1));

        await Client.SaveStateAsync(Store, "k", new Lease("b", 2));

        var (value, etag) = await Client.GetStateAndETagAsync<Lease>(Store, "k");
        Assert.Equal(new Lease("b", 2), value);
        Assert.Equal("2", etag);
    }

    [Fact]
    public async Task TryDeleteState_StaleETag_ReturnsFalseThenCurrentETagDeletes()
    {
        await Client.SaveStateAsync(Store, "k", new Lease("a", 1));
        var (_, stale) = await Client.GetStateAndETagAsync<Lease>(Store, "k");
        await Client.SaveStateAsync(Store, "k", new Lease("a", 2));
        var (_, current) = await Client.GetStateAndETagAsync<Lease>(Store, "k");

        var staleDelete = await Client.TryDeleteStateAsync(Store, "k", stale, FirstWrite);
        var stillThere = await Client.GetStateAsync<Lease>(Store, "k");
        var currentDelete = await Client.TryDeleteStateAsync(Store, "k", current, FirstWrite);

        Assert.False(staleDelete);
        Assert.NotNull(stillThere);
        Assert.True(currentDelete);
        Assert.Null(await Client.GetStateAsync<Lease>(Store, "k"));
    }

    [Fact]
    public async Task TrySaveState_ETagNotANumber_ThrowsDaprException()
    {
        await Client.SaveStateAsync(Store, "k", new Lease("a", 1));

        await Assert.ThrowsAsync<DaprException>(() => Client.TrySaveStateAsync(Store, "k", new Lease("b", 1), "not-a-version"));
    }

    [Fact]
    public async Task GetBulkState_PresentAndMissingKeys_ReturnsValuesAndETags()
    {
        await Client.SaveStateAsync(Store, "a", new Lease("a", 1));
        await Client.SaveStateAsync(Store, "b", new Lease("b", 1));
        await Client.SaveStateAsync(Store, "b", new Lease("b", 2));

        var items = await Client.GetBulkStateAsync<Lease>(Store, ["a", "b", "missing"], parallelism: null);

        var byKey = items.ToDictionary(i => i.Key);
        Assert.Equal(3, items.Count);
        Assert.Equal((new Lease("a", 1), "1"), (byKey["a"].Value, byKey["a"].ETag));
        Assert.Equal((new Lease("b", 2), "2"), (byKey["b"].Value, byKey["b"].ETag));
        Assert.Null(byKey["missing"].Value);
        Assert.Equal("", byKey["missing"].ETag);
    }

    [Fact]
    public async Task ExecuteStateTransaction_AllETagsCurrent_AppliesEveryOperation()
    {
        await Client.SaveStateAsync(Store, "a", new Lease("a", 1));
        await Client.SaveStateAsync(Store, "gone", new Lease("x", 1));

        await Client.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest("a", Serialize(new Lease("a", 2)), StateOperationType.Upsert, "1", options: FirstWrite),
            new StateTransactionRequest("new", Serialize(new Lease("n", 1)), StateOperationType.Upsert, "", options: FirstWrite),
            new StateTransactionRequest("gone", null, StateOperationType.Delete, "1"),
        ]);

        Assert.Equal(new Lease("a", 2), await Client.GetStateAsync<Lease>(Store, "a"));
        Assert.Equal(new Lease("n", 1), await Client.GetStateAsync<Lease>(Store, "new"));
        Assert.Null(await Client.GetStateAsync<Lease>(Store, "gone"));
    }

    [Fact]
    public async Task ExecuteStateTransaction_OneStaleETag_ThrowsButAppliesTheOthers()
    {
        await Client.SaveStateAsync(Store, "a", new Lease("a", 1));
        await Client.SaveStateAsync(Store, "b", new Lease("b", 1));
        await Client.SaveStateAsync(Store, "b", new Lease("b", 2));

        await Assert.ThrowsAsync<DaprException>(() => Client.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest("a", Serialize(new Lease("a", 9)), StateOperationType.Upsert, "1"),
            new StateTransactionRequest("c", Serialize(new Lease("c", 9)), StateOperationType.Upsert),
            new StateTransactionRequest("b", Serialize(new Lease("b", 9)), StateOperationType.Upsert, "1"),
        ]));

        // MULTI/EXEC of one script per operation: no rollback.
        Assert.Equal((new Lease("a", 9), "2"), await Client.GetStateAndETagAsync<Lease>(Store, "a"));
        Assert.Equal((new Lease("b", 2), "2"), await Client.GetStateAndETagAsync<Lease>(Store, "b"));
        Assert.Equal(new Lease("c", 9), await Client.GetStateAsync<Lease>(Store, "c"));
    }

    [Fact]
    public async Task SaveState_KeyWithDaprSeparator_ThrowsDaprException() =>
        await Assert.ThrowsAsync<DaprException>(() => Client.SaveStateAsync(Store, "a||b", new Lease("a", 1)));

    [Fact]
    public async Task SaveState_DefaultKeyPrefix_StoresUnderAppIdInRedis()
    {
        await Client.SaveStateAsync(Store, "owner/203.0.113.1", new Lease("a", 1));

        var hash = await redis.Database.HashGetAllAsync($"{_appId}||owner/203.0.113.1");

        Assert.Equal("1", hash.Single(e => e.Name == "version").Value.ToString());
        Assert.Contains("\"holder\":\"a\"", hash.Single(e => e.Name == "data").Value.ToString(), StringComparison.Ordinal);
    }

    private static byte[] Serialize(Lease lease) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(lease, System.Text.Json.JsonSerializerOptions.Web);

    internal sealed record Lease(string Holder, int Epoch);
}
