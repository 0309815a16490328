using IronLb.Core.State;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>The state contract against the file-backed store, restarted by closing and reopening its directory.</summary>
public sealed class InProcessStateStoreContractTests(FileStateHarness harness)
    : StateStoreContract(harness), IClassFixture<FileStateHarness>;

/// <summary>A <see cref="FileStateStore"/> in a temp directory of its own.</summary>
public sealed class FileStateHarness : IStateStoreHarness, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-state-contract-").FullName;
    private FileStateStore _store;

    public FileStateHarness() => _store = FileStateStore.Open(_directory);

    public IStateStore Store => _store;

    public Task RestartAsync()
    {
        _store.Dispose();
        _store = FileStateStore.Open(_directory);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
