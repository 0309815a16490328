using global::Dapr;
using Grpc.Core;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using IronLb.LocalSidecar.Hosting;
using IronLb.LocalSidecar.Secrets;

namespace IronLb.Dapr.Tests.Sidecar;

/// <summary>The secrets API over secretstores.local.file, as daprd serves it (https://docs.dapr.io/reference/api/secrets_api/).</summary>
[Collection(SharedRedis.Name)]
public sealed class SecretsApiTests(RedisServer redis) : IDisposable
{
    private readonly ComponentFiles _files = ComponentFiles.Standard(redis.Host);

    public void Dispose() => _files.Dispose();

    private string SecretsFile(string json)
    {
        var path = Path.Combine(_files.Directory, "secrets.json");
        File.WriteAllText(path, json);
        return path;
    }

    private void FileStore(string name, string secretsFile, bool multiValued, string scopes = "") => _files.WriteFileSecretStore(name, secretsFile, multiValued, scopes);

    private Task<RunningSidecar> StartAsync(string appId = "bgp") =>
        RunningSidecar.StartAsync(new SidecarOptions { AppId = appId, Redis = redis.Host, ResourcesPath = _files.Directory });

    [Fact]
    public async Task GetSecret_MultiValuedFile_ReturnsEveryKeyOfTheSecret()
    {
        FileStore("kubernetes", SecretsFile("""{"tor-password": {"password": "p4ss", "username": "ignored"}, "plain": "value"}"""), multiValued: true);
        await using var sidecar = await StartAsync();

        var secret = await sidecar.Client.GetSecretAsync("kubernetes", "tor-password", new Dictionary<string, string> { ["namespace"] = "metallb-system" });
        var plain = await sidecar.Client.GetSecretAsync("kubernetes", "plain");

        Assert.Equal(new Dictionary<string, string> { ["password"] = "p4ss", ["username"] = "ignored" }, secret);
        Assert.Equal(new Dictionary<string, string> { ["plain"] = "value" }, plain);
    }

    [Fact]
    public async Task GetSecret_SingleValuedFile_NestedNamesJoinedWithColon()
    {
        FileStore("local", SecretsFile("""{"bgp": {"tor": {"password": "p4ss"}}, "list": ["a", "b"]}"""), multiValued: false);
        await using var sidecar = await StartAsync();

        var nested = await sidecar.Client.GetSecretAsync("local", "bgp:tor:password");
        var item = await sidecar.Client.GetSecretAsync("local", "list:1");

        Assert.Equal(new Dictionary<string, string> { ["bgp:tor:password"] = "p4ss" }, nested);
        Assert.Equal(new Dictionary<string, string> { ["list:1"] = "b" }, item);
    }

    [Fact]
    public async Task GetSecret_UnknownSecret_Internal()
    {
        FileStore("kubernetes", SecretsFile("""{"a": {"password": "x"}}"""), multiValued: true);
        await using var sidecar = await StartAsync();

        var error = await Assert.ThrowsAsync<DaprException>(() => sidecar.Client.GetSecretAsync("kubernetes", "missing"));

        Assert.Equal(StatusCode.Internal, Assert.IsType<RpcException>(error.InnerException).StatusCode);
    }

    [Fact]
    public async Task GetSecret_UnknownStore_InvalidArgument()
    {
        FileStore("kubernetes", SecretsFile("""{"a": {"password": "x"}}"""), multiValued: true);
        await using var sidecar = await StartAsync();

        var error = await Assert.ThrowsAsync<DaprException>(() => sidecar.Client.GetSecretAsync("vault", "a"));

        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(error.InnerException).StatusCode);
    }

    [Fact]
    public async Task GetSecret_StoreScopedToAnotherApp_NotConfigured()
    {
        FileStore("kubernetes", SecretsFile("""{"a": {"password": "x"}}"""), multiValued: true, scopes: "scopes: [bgp]");
        await using var sidecar = await StartAsync(appId: "ipam");

        var error = await Assert.ThrowsAsync<DaprException>(() => sidecar.Client.GetSecretAsync("kubernetes", "a"));

        Assert.Equal(StatusCode.FailedPrecondition, Assert.IsType<RpcException>(error.InnerException).StatusCode);
    }

    [Fact]
    public async Task GetBulkSecret_MultiValuedFile_EverySecret()
    {
        FileStore("kubernetes", SecretsFile("""{"a": {"password": "x"}, "b": {"password": "y"}}"""), multiValued: true);
        await using var sidecar = await StartAsync();

        var all = await sidecar.Client.GetBulkSecretAsync("kubernetes");

        Assert.Equal(["a", "b"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("y", all["b"]["password"]);
    }

    [Fact]
    public void Load_MalformedFile_FailsWithTheComponentName()
    {
        var path = SecretsFile("{not json");

        var error = Assert.Throws<InvalidDataException>(() => LocalFileSecretStore.Load("kubernetes", path, null, multiValued: true));

        Assert.Contains("kubernetes", error.Message, StringComparison.Ordinal);
    }
}
