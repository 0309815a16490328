using System.Text;
using IronLb.Core.State;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>What every <see cref="IStateStore"/> must do, whatever is behind it.</summary>
public abstract class StateStoreContract
{
    private readonly IStateStoreHarness _harness;
    private readonly string _prefix = "contract-" + Guid.NewGuid().ToString("N")[..8] + "-";

    private protected StateStoreContract(IStateStoreHarness harness) => _harness = harness;

    private IStateStore Store => _harness.Store;

    [Fact]
    public async Task GetAsync_MissingKey_ReturnsNullValueAndEmptyETag()
    {
        var entry = await Store.GetAsync(Key("missing"));

        Assert.Null(entry.Value);
        Assert.Equal(string.Empty, entry.ETag);
        Assert.False(entry.Exists);
    }

    [Fact]
    public async Task TrySaveAsync_EmptyETagOnExistingKey_OverwritesBecauseThereIsNoCreateIfAbsent()
    {
        var key = Key("no-create-if-absent");
        Assert.True(await Store.TrySaveAsync(key, Json("""{"n":1}"""), etag: ""));

        var second = await Store.TrySaveAsync(key, Json("""{"n":2}"""), etag: "");

        Assert.True(second);
        Assert.Equal(Json("""{"n":2}"""), (await Store.GetAsync(key)).Value);
    }

    [Fact]
    public async Task TrySaveAsync_ETagOnAbsentKey_CreatesItAtVersionOne()
    {
        var key = Key("etag-creates");

        var saved = await Store.TrySaveAsync(key, Json("""{"n":1}"""), etag: "42");

        Assert.True(saved);
        Assert.Equal("1", (await Store.GetAsync(key)).ETag);
    }

    [Fact]
    public async Task TrySaveAsync_ETagNotAnInteger_Throws()
    {
        var key = Key("bad-etag");
        Assert.True(await Store.TrySaveAsync(key, Json("""{"n":1}"""), etag: null));

        await Assert.ThrowsAnyAsync<Exception>(() => Store.TrySaveAsync(key, Json("""{"n":2}"""), etag: "not-a-version"));
    }

    [Fact]
    public async Task EnsureAsync_ManyRacersOnAbsentKeyThenCompareAndSwap_ExactlyOneClaimWins()
    {
        var key = Key("genesis-race");
        const int racers = 6;

        var claims = await Task.WhenAll(Enumerable.Range(0, racers).Select(i => Task.Run(async () =>
        {
            await Store.EnsureAsync(key);
            var entry = await Store.GetAsync(key);
            if (entry.Value is not null && !entry.Value.AsSpan().SequenceEqual(StateGenesis.Value.Span))
            {
                return false;
            }

            return await Store.TrySaveAsync(key, Json($$"""{"holder":{{i}}}"""), entry.ETag);
        })));

        // A claim only succeeds from the genesis value, and genesis only ever overwrites genesis: one holder, never replaced.
        var winners = claims.Count(c => c);
        Assert.Equal(1, winners);
        Assert.StartsWith("{\"holder\":", System.Text.Encoding.UTF8.GetString((await Store.GetAsync(key)).Value!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrySaveAsync_CurrentETag_ReplacesValueAndChangesETag()
    {
        var key = Key("cas");
        Assert.True(await Store.TrySaveAsync(key, Json("""{"n":1}"""), etag: ""));
        var before = await Store.GetAsync(key);

        var saved = await Store.TrySaveAsync(key, Json("""{"n":2}"""), before.ETag);

        Assert.True(saved);
        var after = await Store.GetAsync(key);
        Assert.Equal(Json("""{"n":2}"""), after.Value);
        Assert.NotEqual(before.ETag, after.ETag);
    }

    [Fact]
    public async Task TrySaveAsync_StaleETag_ReturnsFalseAndKeepsValue()
    {
        var key = Key("stale");
        Assert.True(await Store.TrySaveAsync(key, Json("""{"n":1}"""), etag: ""));
        var stale = (await Store.GetAsync(key)).ETag;
        Assert.True(await Store.TrySaveAsync(key, Json("""{"n":2}"""), stale));

        var lost = await Store.TrySaveAsync(key, Json("""{"n":3}"""), stale);

        Assert.False(lost);
        Assert.Equal(Json("""{"n":2}"""), (await Store.GetAsync(key)).Value);
    }

    [Fact]
    public async Task TrySaveAsync_NullETag_OverwritesUnconditionally()
    {
        var key = Key("last-write-wins");
        Assert.True(await Store.TrySaveAsync(key, Json("""{"n":1}"""), etag: null));

        var saved = await Store.TrySaveAsync(key, Json("""{"n":2}"""), etag: null);

        Assert.True(saved);
        Assert.Equal(Json("""{"n":2}"""), (await Store.GetAsync(key)).Value);
    }

    [Fact]
    public async Task TryDeleteAsync_StaleETag_ReturnsFalseAndKeepsValue()
    {
        var key = Key("delete-stale");
        Assert.True(await Store.TrySaveAsync(key, Json("""{"n":1}"""), etag: ""));
        var stale = (await Store.GetAsync(key)).ETag;
        Assert.True(await Store.TrySaveAsync(key, Json("""{"n":2}"""), stale));

        var deleted = await Store.TryDeleteAsync(key, stale);

        Assert.False(deleted);
        Assert.True((await Store.GetAsync(key)).Exists);
    }

    [Fact]
    public async Task TryDeleteAsync_ETagOnAbsentKey_ReturnsTrue()
    {
        Assert.True(await Store.TryDeleteAsync(Key("delete-absent"), "3"));
    }

    [Fact]
    public async Task TryDeleteAsync_CurrentETag_RemovesKey()
    {
        var key = Key("delete-current");
        Assert.True(await Store.TrySaveAsync(key, Json("""{"n":1}"""), etag: ""));
        var current = (await Store.GetAsync(key)).ETag;

        var deleted = await Store.TryDeleteAsync(key, current);

        Assert.True(deleted);
        var entry = await Store.GetAsync(key);
        Assert.False(entry.Exists);
        Assert.Equal(string.Empty, entry.ETag);
    }

    [Fact]
    public async Task TryDeleteAsync_NullETag_RemovesKey()
    {
        var key = Key("delete-any");
        Assert.True(await Store.TrySaveAsync(key, Json("""{"n":1}"""), etag: null));

        Assert.True(await Store.TryDeleteAsync(key, etag: null));

        Assert.False((await Store.GetAsync(key)).Exists);
    }

    [Fact]
    public async Task GetBulkAsync_PresentAndMissingKeys_ReturnsEntriesInRequestedOrder()
    {
        string[] keys = [Key("bulk-b"), Key("bulk-missing"), Key("bulk-a")];
        Assert.True(await Store.TrySaveAsync(keys[0], Json("""{"k":"b"}"""), etag: null));
        Assert.True(await Store.TrySaveAsync(keys[2], Json("""{"k":"a"}"""), etag: null));
        var singleA = await Store.GetAsync(keys[2]);

        var entries = await Store.GetBulkAsync(keys);

        Assert.Equal(keys, entries.Select(e => e.Key));
        Assert.Equal(Json("""{"k":"b"}"""), entries[0].Value);
        Assert.False(entries[1].Exists);
        Assert.Equal(string.Empty, entries[1].ETag);
        Assert.Equal(Json("""{"k":"a"}"""), entries[2].Value);
        Assert.Equal(singleA.ETag, entries[2].ETag);
    }

    [Fact]
    public async Task UpdateJsonAsync_ConcurrentIncrements_LosesNoUpdate()
    {
        var key = Key("counter");
        const int writers = 4;
        const int incrementsEach = 5;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < incrementsEach; i++)
            {
                await Store.UpdateJsonAsync<Counter>(key, c => new Counter((c?.Value ?? 0) + 1), maxAttempts: 200);
            }
        })));

        var final = await Store.GetJsonAsync<Counter>(key);
        Assert.Equal(writers * incrementsEach, final.Value!.Value);
    }

    [Fact]
    public async Task TrySaveJsonAsync_Document_StoresWebJsonBytes()
    {
        var key = Key("json");

        Assert.True(await Store.TrySaveJsonAsync(key, new Counter(7), etag: ""));

        Assert.Equal(Json("""{"value":7}"""), (await Store.GetAsync(key)).Value);
        Assert.Equal(Json("""{"value":7}"""), (await Store.GetBulkAsync([key]))[0].Value);
    }

    [Fact]
    public async Task Restart_AfterWrites_ValuesAndETagsSurvive()
    {
        var (kept, removed) = (Key("durable"), Key("durable-removed"));
        Assert.True(await Store.TrySaveAsync(kept, Json("""{"v":1}"""), etag: ""));
        Assert.True(await Store.TrySaveAsync(removed, Json("""{"v":1}"""), etag: ""));
        Assert.True(await Store.TrySaveAsync(kept, Json("""{"v":2}"""), etag: null));
        Assert.True(await Store.TryDeleteAsync(removed, etag: null));
        var before = await Store.GetAsync(kept);

        await _harness.RestartAsync();

        var after = await Store.GetAsync(kept);
        Assert.Equal(Json("""{"v":2}"""), after.Value);
        Assert.Equal(before.ETag, after.ETag);
        Assert.False((await Store.GetAsync(removed)).Exists);
        Assert.True(await Store.TrySaveAsync(kept, Json("""{"v":3}"""), after.ETag));
    }

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private string Key(string name) => _prefix + name;

    private sealed record Counter(int Value);
}

/// <summary>Gives the contract a store and a way to restart what is behind it.</summary>
public interface IStateStoreHarness
{
    IStateStore Store { get; }

    /// <summary>Stops and restarts the store's process or files; <see cref="Store"/> then points at the restarted one.</summary>
    Task RestartAsync();
}
