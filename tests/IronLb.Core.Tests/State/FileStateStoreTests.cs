using System.Text;
using IronLb.Core.State;

namespace IronLb.Core.Tests.State;

public sealed class FileStateStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-filestate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Open_CommittedJournalNotYetApplied_ReplaysTransaction()
    {
        using (var store = FileStateStore.Open(_directory))
        {
            Assert.True(await store.TrySaveAsync("a", Bytes("old-a"), etag: ""));
            Assert.True(await store.TrySaveAsync("gone", Bytes("x"), etag: ""));
        }

        // What a crash right after the journal's commit rename leaves behind.
        File.WriteAllBytes(Path.Combine(_directory, "transaction.journal"), StateRecordCodec.EncodeJournal(
        [
            new JournalStep(StateOperationKind.Upsert, "a", 2, Bytes("new-a")),
            new JournalStep(StateOperationKind.Upsert, "b", 1, Bytes("new-b")),
            new JournalStep(StateOperationKind.Delete, "gone", 0, []),
        ]));

        using var reopened = FileStateStore.Open(_directory);

        var entries = await reopened.GetBulkAsync(["a", "b", "gone"]);
        Assert.Equal(Bytes("new-a"), entries[0].Value);
        Assert.Equal("2", entries[0].ETag);
        Assert.Equal(Bytes("new-b"), entries[1].Value);
        Assert.False(entries[2].Exists);
        Assert.False(File.Exists(Path.Combine(_directory, "transaction.journal")));
    }

    [Fact]
    public async Task Open_TornTemporaryFilesFromCrash_KeepsLastCommittedValues()
    {
        using (var store = FileStateStore.Open(_directory))
        {
            Assert.True(await store.TrySaveAsync("a", Bytes("committed"), etag: ""));
        }

        var record = Directory.GetFiles(_directory, "*.rec").Single();
        File.WriteAllBytes(record + ".tmp", [0x49, 0x4c]);
        File.WriteAllBytes(Path.Combine(_directory, "transaction.journal.tmp"), [0x49]);

        using var reopened = FileStateStore.Open(_directory);

        var entry = await reopened.GetAsync("a");
        Assert.Equal(Bytes("committed"), entry.Value);
        Assert.Equal("1", entry.ETag);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void Open_CorruptRecordFile_RefusesToOpen()
    {
        File.WriteAllBytes(Path.Combine(_directory, "0000.rec"), Encoding.ASCII.GetBytes("ILBS\u0001short"));

        Assert.Throws<InvalidDataException>(() => FileStateStore.Open(_directory));
    }

    [Fact]
    public void Open_DirectoryAlreadyOpen_ThrowsUntilFirstClosed()
    {
        var first = FileStateStore.Open(_directory);

        Assert.Throws<IOException>(() => FileStateStore.Open(_directory));

        first.Dispose();
        FileStateStore.Open(_directory).Dispose();
    }

    [Fact]
    public async Task Open_StoreHeld_AnotherProcessCannotLockDirectory()
    {
        var lockFile = Path.Combine(_directory, "store.lock");
        int heldExit;
        using (FileStateStore.Open(_directory))
        {
            heldExit = await RunFlockAsync(lockFile);
        }

        var releasedExit = await RunFlockAsync(lockFile);

        Assert.Equal(1, heldExit);
        Assert.Equal(0, releasedExit);
    }

    [Fact]
    public async Task TrySaveAsync_KeyDeletedThenCreated_VersionRestartsAtOne()
    {
        using var store = FileStateStore.Open(_directory);
        Assert.True(await store.TrySaveAsync("k", Bytes("1"), etag: ""));
        Assert.True(await store.TrySaveAsync("k", Bytes("2"), etag: "1"));
        Assert.True(await store.TryDeleteAsync("k", etag: "2"));

        Assert.True(await store.TrySaveAsync("k", Bytes("3"), etag: ""));

        Assert.Equal("1", (await store.GetAsync("k")).ETag);
    }

    [Fact]
    public async Task TryApplyAsync_OneStaleStep_AppliesNothing()
    {
        using var store = FileStateStore.Open(_directory);
        Assert.True(await store.TrySaveAsync("a", Bytes("1"), etag: null));
        Assert.True(await store.TrySaveAsync("b", Bytes("1"), etag: null));
        Assert.True(await store.TrySaveAsync("b", Bytes("2"), etag: null));

        var applied = await store.TryApplyAsync([StateOperation.Upsert("a", Bytes("9"), "1"), StateOperation.Upsert("b", Bytes("9"), "1")]);

        Assert.False(applied);
        Assert.Equal(Bytes("1"), (await store.GetAsync("a")).Value);
    }

    [Fact]
    public async Task GetAsync_CallerMutatesReturnedBytes_StoreUnchanged()
    {
        using var store = FileStateStore.Open(_directory);
        Assert.True(await store.TrySaveAsync("k", Bytes("abc"), etag: null));

        (await store.GetAsync("k")).Value![0] = (byte)'z';

        Assert.Equal(Bytes("abc"), (await store.GetAsync("k")).Value);
    }

    [Fact]
    public async Task GetAsync_AfterDispose_Throws()
    {
        var store = FileStateStore.Open(_directory);
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetAsync("k"));
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    // flock(1) from util-linux is a second process taking the same advisory lock without waiting.
    private static async Task<int> RunFlockAsync(string lockFile)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("flock", ["--nonblock", "--conflict-exit-code", "1", lockFile, "true"]) { UseShellExecute = false })!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(deadline.Token);
        return process.ExitCode;
    }
}
