using IronLb.Core.State;

namespace IronLb.Core.Tests.State;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileStateStorePermissionsTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("ironlb-perm-").FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public async Task Open_NewFolder_Folder0700AndEveryFile0600()
    {
        var directory = Path.Combine(_parent, "state");
        using (var store = FileStateStore.Open(directory))
        {
            await store.TrySaveAsync("one", "{}"u8.ToArray(), etag: null);
            await store.TrySaveAsync("two", "{}"u8.ToArray(), etag: null);
            await store.TrySaveAsync("three", "{}"u8.ToArray(), etag: "1");
        }

        Assert.Equal(FileStateStorePermissions.DirectoryMode, File.GetUnixFileMode(directory));
        var files = Directory.GetFiles(directory);
        Assert.True(files.Length >= 4, "three records and the lock file");
        Assert.All(files, file => Assert.Equal(FileStateStorePermissions.FileMode, File.GetUnixFileMode(file)));
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute)]
    [InlineData(UnixFileMode.OtherExecute)]
    [InlineData(UnixFileMode.GroupWrite)]
    public void Open_ExistingFolderWithWiderRights_RefusedWithChmodHint(UnixFileMode wider)
    {
        var directory = Path.Combine(_parent, "wide");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, FileStateStorePermissions.DirectoryMode | wider);

        var error = Assert.Throws<UnauthorizedAccessException>(() => FileStateStore.Open(directory));

        Assert.Contains("chmod 700", error.Message, StringComparison.Ordinal);
        Assert.Contains(directory, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(directory));
    }

    [Fact]
    public void EnsurePrivateDirectory_Existing0700_Accepted()
    {
        var directory = Path.Combine(_parent, "private");
        Directory.CreateDirectory(directory, FileStateStorePermissions.DirectoryMode);

        FileStateStorePermissions.EnsurePrivateDirectory(directory);

        Assert.Equal(FileStateStorePermissions.DirectoryMode, File.GetUnixFileMode(directory));
    }
}
