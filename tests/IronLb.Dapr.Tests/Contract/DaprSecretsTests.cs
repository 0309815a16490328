using System.Text;
using IronLb.Core.Configuration;
using ClusterConfiguration = IronLb.Core.Configuration.ClusterConfiguration;
using IronLb.Core.SharedConfiguration;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using IronLb.LocalSidecar.Hosting;
using Microsoft.Extensions.Options;
using PasswordManifests = IronLb.Testing.PasswordManifests;
using StackExchange.Redis;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>
/// The separate-services path: ipam stores the configuration through its sidecar on Redis, bgp reads the password
/// through the secrets API. Redis, every key of it, must not hold the password in any form.
/// </summary>
[Trait("Category", "Sidecar")]
public sealed class DaprSecretsTests : IAsyncLifetime
{
    private const string SecretPassword = "Tor-Secret-md5-Q3#";
    private const string InlinePassword = "Tor-Inline-md5-W8%";
    private readonly RedisServer _redis = new();
    private ComponentFiles? _files;
    private RunningSidecar? _sidecar;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _files = ComponentFiles.Standard(_redis.Host, keyPrefix: "name");
        var secretsFile = Path.Combine(_files.Directory, "secrets.json");
        await File.WriteAllTextAsync(secretsFile, $$$"""{"tor-password": {"password": "{{{SecretPassword}}}"}}""");
        _files.WriteFileSecretStore("kubernetes", secretsFile, multiValued: true);
        _sidecar = await RunningSidecar.StartAsync(new SidecarOptions { AppId = "ipam", Redis = _redis.Host, ResourcesPath = _files.Directory });
    }

    public async Task DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }

        _files?.Dispose();
        await _redis.DisposeAsync();
    }

    private static ClusterConfiguration Manifests()
    {
        var loaded = ManifestLoader.Parse(PasswordManifests.Yaml("tor", SecretPassword, InlinePassword), "peers.yaml");
        Assert.Empty(loaded.Errors);
        return loaded.Configuration;
    }

    private ConfigurationState IpamState()
    {
        var options = Options.Create(new DaprMessagingOptions());
        return new ConfigurationState(new DaprStateStore(_sidecar!.Client, options), new DaprEventPublisher(_sidecar.Client, options), TimeProvider.System);
    }

    [Fact]
    public async Task PublishAsync_PeersWithPasswords_NoRedisKeyHoldsAnyFormOfThem()
    {
        await IpamState().PublishAsync(Manifests(), "peers.yaml", CancellationToken.None);

        var values = await EveryValueAsync(_redis.Connection!);

        Assert.Contains(values, v => v.Contains("tor-password", StringComparison.Ordinal));
        Assert.All(values, v => Assert.Null(PasswordManifests.FindAny(Encoding.UTF8.GetBytes(v), SecretPassword, InlinePassword)));
    }

    [Fact]
    public async Task LookupAsync_ReferenceFromTheStoredDocument_ReadsThePasswordThroughTheSecretsApi()
    {
        await IpamState().PublishAsync(Manifests(), "peers.yaml", CancellationToken.None);
        var document = await IpamState().ReadAsync(CancellationToken.None);
        var source = new DaprPeerPasswordSource(_sidecar!.Client, Options.Create(new DaprSecretOptions()));

        var secret = await source.LookupAsync(document!.PeerPasswords.Single(r => r.Peer == "tor-secret"), CancellationToken.None);
        var inline = await source.LookupAsync(document.PeerPasswords.Single(r => r.Peer == "tor-inline"), CancellationToken.None);

        Assert.Equal(SecretPassword, secret.Password);
        Assert.Null(inline.Password);
        Assert.Contains("spec.passwordSecret", inline.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LookupAsync_StoreNotServed_DefinitiveProblemNamingTheStore()
    {
        var source = new DaprPeerPasswordSource(_sidecar!.Client, Options.Create(new DaprSecretOptions { SecretStoreName = "vault" }));

        var lookup = await source.LookupAsync(new PeerPasswordReference("tor-secret", "metallb-system", "tor-password"), CancellationToken.None);

        Assert.Null(lookup.Password);
        Assert.False(lookup.Transient);
        Assert.Contains("\"vault\"", lookup.Problem, StringComparison.Ordinal);
    }

    /// <summary>Every value of every key, whatever its Redis type, as text.</summary>
    private static async Task<List<string>> EveryValueAsync(ConnectionMultiplexer connection)
    {
        var database = connection.GetDatabase();
        var server = connection.GetServers().Single();
        var values = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "*"))
        {
            values.Add(key.ToString());
            var type = await database.KeyTypeAsync(key);
            switch (type)
            {
                case RedisType.String:
                    values.Add((await database.StringGetAsync(key)).ToString());
                    break;
                case RedisType.Hash:
                    values.AddRange((await database.HashGetAllAsync(key)).Select(e => e.Name + "=" + e.Value));
                    break;
                case RedisType.Stream:
                    values.AddRange((await database.StreamRangeAsync(key)).SelectMany(e => e.Values).Select(v => v.Name + "=" + v.Value));
                    break;
                case RedisType.List:
                    values.AddRange((await database.ListRangeAsync(key)).Select(v => v.ToString()));
                    break;
                case RedisType.Set:
                    values.AddRange((await database.SetMembersAsync(key)).Select(v => v.ToString()));
                    break;
                case RedisType.SortedSet:
                    values.AddRange((await database.SortedSetRangeByRankAsync(key)).Select(v => v.ToString()));
                    break;
                default:
                    throw new InvalidOperationException($"key {key} has type {type}, which this scan cannot read");
            }
        }

        return values;
    }
}
