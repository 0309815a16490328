using IronLb.Core.Messaging;
using IronLb.Core.SharedConfiguration;
using IronLb.Core.State;

namespace IronLb.Core.Tests.SharedConfiguration;

/// <summary>The single-host path: ipam stores the configuration in the file store, the passwords go to memory only.</summary>
public sealed class ConfigurationStateSecretsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ironlb-secrets-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task PublishAsync_FileStoreAndMemory_NoFileHoldsAPasswordAndMemoryHasBoth()
    {
        var publisher = new RecordingPublisher();
        var memory = new InMemoryPeerPasswords();
        using (var store = FileStateStore.Open(_directory))
        {
            var state = new ConfigurationState(store, publisher, TimeProvider.System, passwords: memory);

            var document = await state.PublishAsync(SecretManifests.Load(), "test", CancellationToken.None);

            Assert.Equal(2, document.PeerPasswords.Count);
        }

        Assert.All(Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories), file => Assert.False(SecretManifests.Leaks(File.ReadAllBytes(file)), file));
        Assert.All(publisher.Events, e => Assert.False(SecretManifests.Leaks(e.Data.Span)));
        Assert.Equal(SecretManifests.SecretPassword, (await memory.LookupAsync(new PeerPasswordReference("tor-secret", "metallb-system", "tor-password"), CancellationToken.None)).Password);
        Assert.Equal(SecretManifests.InlinePassword, (await memory.LookupAsync(new PeerPasswordReference("tor-inline", null, null), CancellationToken.None)).Password);
    }

    [Fact]
    public async Task PublishAsync_StoreLostTheDocument_NextVersionAboveEveryOneWrittenBefore()
    {
        using var store = FileStateStore.Open(_directory);
        var state = new ConfigurationState(store, new RecordingPublisher(), TimeProvider.System, passwords: new InMemoryPeerPasswords());
        await state.PublishAsync(SecretManifests.Load(), "test", CancellationToken.None);
        var before = await state.PublishAsync(SecretManifests.Load(inlinePassword: "another-password"), "test", CancellationToken.None);

        // Redis restarted without persistence; every follower still holds the version written before and ignores any not above it.
        Assert.True(await store.TryDeleteAsync(IronLb.Core.Contracts.StateKeys.Config, etag: null));
        var after = await state.PublishAsync(SecretManifests.Load(inlinePassword: "another-password"), "test", CancellationToken.None);

        Assert.True(after.Version > before.Version, $"version {after.Version} after the loss, {before.Version} before");
        Assert.Equal(before.Digest, after.Digest);
    }

    [Fact]
    public async Task PublishAsync_OnlyASecretChanged_SameVersionAndMemoryRaisesChanged()
    {
        var memory = new InMemoryPeerPasswords();
        var changes = 0;
        memory.Changed += () => changes++;
        using var store = FileStateStore.Open(_directory);
        var state = new ConfigurationState(store, new RecordingPublisher(), TimeProvider.System, passwords: memory);
        var first = await state.PublishAsync(SecretManifests.Load(), "test", CancellationToken.None);

        var second = await state.PublishAsync(SecretManifests.Load(secretPassword: "rotated-password"), "test", CancellationToken.None);

        Assert.Equal(first.Version, second.Version);
        Assert.Equal(2, changes);
        Assert.Equal("rotated-password", (await memory.LookupAsync(new PeerPasswordReference("tor-secret", "metallb-system", "tor-password"), CancellationToken.None)).Password);
    }

    [Fact]
    public async Task LookupAsync_NothingPublished_MissingWithReason()
    {
        var lookup = await new InMemoryPeerPasswords().LookupAsync(new PeerPasswordReference("tor-secret", "metallb-system", "tor-password"), CancellationToken.None);

        Assert.Null(lookup.Password);
        Assert.False(lookup.Transient);
        Assert.Contains("manifests folder", lookup.Problem, StringComparison.Ordinal);
    }

    private sealed class RecordingPublisher : IEventPublisher
    {
        public List<(string Topic, ReadOnlyMemory<byte> Data)> Events { get; } = [];

        public Task PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            Events.Add((topic, data.ToArray()));
            return Task.CompletedTask;
        }
    }
}
