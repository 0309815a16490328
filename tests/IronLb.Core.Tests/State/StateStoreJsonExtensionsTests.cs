using IronLb.Core.State;

namespace IronLb.Core.Tests.State;

public sealed class StateStoreJsonExtensionsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-jsonstate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task GetJsonAsync_MissingKey_ReturnsDefaultAndEmptyETag()
    {
        using var store = FileStateStore.Open(_directory);

        var entry = await store.GetJsonAsync<Lease>("missing");

        Assert.Null(entry.Value);
        Assert.False(entry.Exists);
        Assert.Equal(string.Empty, entry.ETag);
    }

    [Fact]
    public async Task UpdateJsonAsync_AbsentKey_CreatesFromDefault()
    {
        using var store = FileStateStore.Open(_directory);

        var written = await store.UpdateJsonAsync<Lease>("lease", l => new Lease("node-a", (l?.Epoch ?? 0) + 1));

        Assert.Equal(new Lease("node-a", 1), written);
        Assert.Equal(new Lease("node-a", 1), (await store.GetJsonAsync<Lease>("lease")).Value);
    }

    [Fact]
    public async Task UpdateJsonAsync_AnotherWriterWinsEveryRound_ThrowsAfterMaxAttempts()
    {
        using var store = FileStateStore.Open(_directory);
        var rounds = 0;

        // A competing writer slips in between every read and write.
        var conflict = await Assert.ThrowsAsync<StateConflictException>(() => store.UpdateJsonAsync<Lease>("lease", l =>
        {
            rounds++;
            store.TrySaveJsonAsync("lease", new Lease("intruder", rounds), etag: null).GetAwaiter().GetResult();
            return new Lease("me", 0);
        }, maxAttempts: 3));

        Assert.Equal(3, rounds);
        Assert.Equal("lease", conflict.Key);
        Assert.Equal("intruder", (await store.GetJsonAsync<Lease>("lease")).Value!.Holder);
    }

    private sealed record Lease(string Holder, long Epoch);
}
