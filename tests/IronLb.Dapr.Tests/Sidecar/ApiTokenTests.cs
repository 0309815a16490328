using System.Net;
using global::Dapr;
using Grpc.Core;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using IronLb.LocalSidecar.Hosting;

namespace IronLb.Dapr.Tests.Sidecar;

/// <summary>DAPR_API_TOKEN enforcement on both listeners (https://docs.dapr.io/operations/security/api-token/).</summary>
[Collection(SharedRedis.Name)]
public sealed class ApiTokenTests(RedisServer redis) : IAsyncLifetime
{
    private const string Token = "s3cret-token";
    private RunningSidecar? _sidecar;

    public async Task InitializeAsync() =>
        _sidecar = await RunningSidecar.StartAsync(new SidecarOptions { AppId = "token-" + Guid.NewGuid().ToString("N")[..8], Redis = redis.Host, DaprApiToken = Token });

    public async Task DisposeAsync() => await _sidecar!.DisposeAsync();

    [Fact]
    public async Task GetState_ClientWithToken_Succeeds()
    {
        await _sidecar!.Client.SaveStateAsync("statestore", "k", "v");

        Assert.Equal("v", await _sidecar.Client.GetStateAsync<string>("statestore", "k"));
    }

    [Fact]
    public async Task GetState_ClientWithoutToken_Unauthenticated()
    {
        using var client = _sidecar!.NewClient(apiToken: null);

        var error = await Assert.ThrowsAsync<DaprException>(() => client.GetStateAsync<string>("statestore", "k"));

        Assert.Equal(StatusCode.Unauthenticated, Assert.IsType<RpcException>(error.InnerException).StatusCode);
    }

    [Fact]
    public async Task PublishEvent_ClientWithWrongToken_Unauthenticated()
    {
        using var client = _sidecar!.NewClient(apiToken: "wrong");

        var error = await Assert.ThrowsAsync<DaprException>(() => client.PublishEventAsync("pubsub", "t", "x"));

        Assert.Equal(StatusCode.Unauthenticated, Assert.IsType<RpcException>(error.InnerException).StatusCode);
    }

    [Fact]
    public async Task HttpApi_WithoutToken_HealthzOpenAndPublish401()
    {
        using var http = new HttpClient { BaseAddress = _sidecar!.HttpBase };

        using var health = await http.GetAsync(new Uri("/v1.0/healthz", UriKind.Relative));
        using var outbound = await http.GetAsync(new Uri("/v1.0/healthz/outbound", UriKind.Relative));
        using var publish = await http.PostAsync(new Uri("/v1.0/publish/pubsub/t", UriKind.Relative), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, outbound.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, publish.StatusCode);
    }

    [Fact]
    public async Task WaitForSidecar_ClientWithToken_Completes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await _sidecar!.Client.WaitForSidecarAsync(cts.Token);

        Assert.False(cts.IsCancellationRequested);
    }
}
