using global::Dapr.Client;
using IronLb.LocalSidecar.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronLb.Dapr.Tests.Sidecar.Infrastructure;

/// <summary>The sidecar hosted in-process on ephemeral loopback ports, with a real Dapr.Client pointed at it.</summary>
internal sealed class RunningSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningSidecar(WebApplication app, SidecarEndpoints endpoints, string? apiToken)
    {
        _app = app;
        GrpcPort = endpoints.GrpcPort;
        HttpPort = endpoints.HttpPort;
        Client = NewClient(apiToken);
    }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public DaprClient Client { get; }

    public Uri HttpBase => new($"http://127.0.0.1:{HttpPort}");

    public static async Task<RunningSidecar> StartAsync(SidecarOptions options, string? clientApiToken = null, Xunit.Abstractions.ITestOutputHelper? output = null, TimeProvider? time = null)
    {
        options.GrpcPort = 0;
        options.HttpPort = 0;
        options.StreamPollInterval = TimeSpan.FromMilliseconds(20);
        options.AppProbeInterval = TimeSpan.FromMilliseconds(50);
        options.AppCallTimeout = TimeSpan.FromSeconds(10);
        var app = SidecarApplication.Build(options, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddFilter("Microsoft", LogLevel.Warning);
            if (output is not null)
            {
                logging.AddProvider(new TestOutputLoggerProvider(output, $"[{options.AppId}/{options.PodName}]"));
            }
        }, time);
        await app.StartAsync().ConfigureAwait(false);
        return new RunningSidecar(app, app.Services.GetRequiredService<SidecarEndpoints>(), clientApiToken ?? options.DaprApiToken);
    }

    /// <summary>True once /v1.0/healthz answers 204: the app answered /dapr/subscribe and every consumer group
    /// exists, so events published from now on reach the app.</summary>
    public Task<bool> WaitForHealthyAsync(TimeSpan timeout) => Eventually.HoldsAsync(async () =>
    {
        using var http = new HttpClient { BaseAddress = HttpBase };
        using var response = await http.GetAsync(new Uri("/v1.0/healthz", UriKind.Relative));
        return response.StatusCode == System.Net.HttpStatusCode.NoContent;
    }, timeout);

    public DaprClient NewClient(string? apiToken)
    {
        var builder = new DaprClientBuilder().UseGrpcEndpoint($"http://127.0.0.1:{GrpcPort}").UseHttpEndpoint($"http://127.0.0.1:{HttpPort}");
        if (apiToken is not null)
        {
            builder.UseDaprApiToken(apiToken);
        }

        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
