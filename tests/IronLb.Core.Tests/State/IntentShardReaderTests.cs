using IronLb.Core.Contracts;
using IronLb.Core.State;

namespace IronLb.Core.Tests.State;

public sealed class IntentShardReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-intentshards-").FullName;
    private readonly FileStateStore _store;

    public IntentShardReaderTests() => _store = FileStateStore.Open(_directory);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static AnnouncementIntent Intent(string name) => new("ns", name, ["203.0.113.10"], "pool", [], [], "Cluster", ["node1"], true);

    private async Task WriteAsync(long version, params string[] names)
    {
        var shard = IntentShards.Of("ns", names[0]);
        Assert.All(names, n => Assert.Equal(shard, IntentShards.Of("ns", n)));
        await _store.TrySaveJsonAsync(IntentShards.Key(shard), new IntentSet(version, [.. names.Select(Intent)], version), etag: null);
    }

    [Fact]
    public async Task RefreshAsync_FirstRead_ReadsEveryShardAndMergesThem()
    {
        await WriteAsync(1, "a");
        await WriteAsync(3, "b");
        var reader = new IntentShardReader(_store);

        Assert.True(await reader.RefreshAsync(CancellationToken.None));

        Assert.Equal(["a", "b"], reader.Current.Intents.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Equal(IntentShards.Of("ns", "a") == IntentShards.Of("ns", "b") ? 3 : 4, reader.Current.Version);
    }

    [Fact]
    public async Task RefreshAsync_EventNamesOneShard_ReadsOnlyThatShard()
    {
        await WriteAsync(1, "a");
        await WriteAsync(1, "b");
        var counting = new CountingStore(_store);
        var reader = new IntentShardReader(counting);
        await reader.RefreshAsync(CancellationToken.None);
        await WriteAsync(2, "b");
        counting.Keys.Clear();

        reader.MarkChanged([IntentShards.Of("ns", "b")]);
        Assert.True(await reader.RefreshAsync(CancellationToken.None));

        Assert.Equal([IntentShards.Key(IntentShards.Of("ns", "b"))], counting.Keys);
        Assert.False(await reader.RefreshAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RefreshAsync_RepeatedEventForAnUnchangedShard_ReportsNoChange()
    {
        await WriteAsync(5, "a");
        var reader = new IntentShardReader(_store);
        await reader.RefreshAsync(CancellationToken.None);
        var before = reader.Current;

        reader.MarkChanged([IntentShards.Of("ns", "a")]);

        Assert.False(await reader.RefreshAsync(CancellationToken.None));
        Assert.Same(before, reader.Current);
    }

    [Fact]
    public async Task RefreshAsync_StoreFails_ShardsStayMarkedForTheNextRead()
    {
        await WriteAsync(1, "a");
        var failing = new CountingStore(_store) { Fail = true };
        var reader = new IntentShardReader(failing);

        await Assert.ThrowsAsync<IOException>(() => reader.RefreshAsync(CancellationToken.None));
        failing.Fail = false;

        Assert.True(await reader.RefreshAsync(CancellationToken.None));
        Assert.Equal(["a"], reader.Current.Intents.Select(i => i.Name));
    }

    /// <summary>Records every key read; can fail reads as an unreachable store does.</summary>
    private sealed class CountingStore(IStateStore inner) : IStateStore
    {
        public List<string> Keys { get; } = [];

        public bool Fail { get; set; }

        public Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            Keys.Add(key);
            return Fail ? throw new IOException("store unreachable") : inner.GetAsync(key, cancellationToken);
        }

        public Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            Keys.AddRange(keys);
            return Fail ? throw new IOException("store unreachable") : inner.GetBulkAsync(keys, cancellationToken);
        }

        public Task<bool> TrySaveAsync(string key, ReadOnlyMemory<byte> value, string? etag, CancellationToken cancellationToken = default) => inner.TrySaveAsync(key, value, etag, cancellationToken);

        public Task<bool> TryDeleteAsync(string key, string? etag, CancellationToken cancellationToken = default) => inner.TryDeleteAsync(key, etag, cancellationToken);
    }
}
