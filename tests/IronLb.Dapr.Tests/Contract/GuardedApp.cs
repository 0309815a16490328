using System.Globalization;
using System.Net;
using System.Text;
using IronLb.Core.Messaging;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using IronLb.LocalSidecar.Hosting;
using LoopbackPorts = IronLb.Testing.LoopbackPorts;
using IronLb.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>
/// A service app wired as Program.cs wires one (service defaults, Dapr messaging, one subscription), on loopback,
/// beside a local sidecar it only needs for start-up; tests then call the app directly, as an intruder would.
/// </summary>
internal sealed class GuardedApp : IAsyncDisposable
{
    public const string Topic = "guarded.topic";
    public const string Token = "app-token-Ge4";

    private readonly RunningSidecar _sidecar;
    private readonly WebApplication _app;

    private GuardedApp(RunningSidecar sidecar, WebApplication app, RecordingHandler handler, int port, int? probePort)
    {
        _sidecar = sidecar;
        _app = app;
        Handler = handler;
        Http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)), Timeout = TimeSpan.FromSeconds(10) };
        Probe = probePort is { } p ? new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture)), Timeout = TimeSpan.FromSeconds(10) } : null;
    }

    public HttpClient Http { get; }

    public HttpClient? Probe { get; }

    public RecordingHandler Handler { get; }

    public static async Task<GuardedApp> StartAsync(RedisServer redis, bool withProbePort = false)
    {
        var sidecar = await RunningSidecar.StartAsync(new SidecarOptions { AppId = "guarded-" + Guid.NewGuid().ToString("N")[..8], Redis = redis.Host });
        var port = LoopbackPorts.Next();
        int? probePort = withProbePort ? LoopbackPorts.Next() : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            ["Dapr:GrpcEndpoint"] = $"http://127.0.0.1:{sidecar.GrpcPort}",
            ["Dapr:HttpEndpoint"] = $"http://127.0.0.1:{sidecar.HttpPort}",
            ["Dapr:AppApiToken"] = Token,
            ["Probes:Listen"] = probePort is { } p ? "127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture) : null,
        });
        builder.AddServiceDefaults();
        builder.Services.AddDaprMessaging(builder.Configuration);
        var handler = new RecordingHandler();
        builder.Services.AddTopicSubscription<RecordingHandler>(Topic).AddSingleton(handler);
        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapDaprSubscriptions();
        try
        {
            await app.StartAsync();
            return new GuardedApp(sidecar, app, handler, port, probePort);
        }
        catch
        {
            await app.DisposeAsync();
            await sidecar.DisposeAsync();
            throw;
        }
    }

    /// <summary>A well-formed delivery of <paramref name="dataJson"/>, as the sidecar POSTs it.</summary>
    public static HttpRequestMessage Delivery(string dataJson, string? token, string specVersion = "1.0")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/events/" + Topic)
        {
            Content = new StringContent(
                $$"""{"id":"e-1","source":"ipam","type":"com.dapr.event.sent","specversion":"{{specVersion}}","datacontenttype":"application/json","topic":"{{Topic}}","pubsubname":"pubsub","data":{{dataJson}}}""",
                Encoding.UTF8,
                "application/cloudevents+json"),
        };
        if (token is not null)
        {
            request.Headers.Add("dapr-api-token", token);
        }

        return request;
    }

    public async Task<HttpStatusCode> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await Http.SendAsync(request);
            return response.StatusCode;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Probe?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    /// <summary>Records the data of every event the app handed to its handler.</summary>
    internal sealed class RecordingHandler : ITopicHandler
    {
        private readonly List<string> _received = [];

        public IReadOnlyList<string> Received
        {
            get
            {
                lock (_received)
                {
                    return [.. _received];
                }
            }
        }

        public Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
        {
            lock (_received)
            {
                _received.Add(Encoding.UTF8.GetString(envelope.Data.Span));
            }

            return Task.FromResult(DeliveryResult.Success);
        }
    }
}
