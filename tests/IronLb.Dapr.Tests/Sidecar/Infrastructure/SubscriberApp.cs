using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using global::Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronLb.Dapr.Tests.Sidecar.Infrastructure;

/// <summary>One delivery as the app saw it: the raw CloudEvent on the wire and the payload after UseCloudEvents.</summary>
internal sealed record Delivery(string Topic, string Path, string? ContentType, string? ApiToken, JsonElement CloudEvent, string Payload)
{
    public string Id => CloudEvent.GetProperty("id").GetString()!;
}

/// <summary>A topic the app subscribes to through Dapr.AspNetCore's WithTopic.</summary>
internal sealed record TopicSpec(string Topic, string? DeadLetterTopic = null, string PubsubName = "pubsub");

/// <summary>A small ASP.NET app on a loopback port that subscribes the Dapr.AspNetCore way (MapSubscribeHandler,
/// WithTopic, UseCloudEvents) and records what the sidecar delivers.</summary>
internal sealed class SubscriberApp : IAsyncDisposable
{
    private const string RawKey = "raw-cloud-event";
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _arrived = new(0);

    private SubscriberApp(WebApplication app) => _app = app;

    public int Port { get; private set; }

    /// <summary>Answer for a topic's n-th delivery (1-based); default: 200 with an empty body.</summary>
    public Func<string, int, IResult> Responder { get; set; } = (_, _) => Results.Ok();

    public IReadOnlyCollection<Delivery> Deliveries => _deliveries.ToArray();

    public static Task<SubscriberApp> StartAsync(params TopicSpec[] topics) => StartAsync(0, topics);

    public static async Task<SubscriberApp> StartAsync(int port, params TopicSpec[] topics)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var subscriber = new SubscriberApp(app);

        // Keep the envelope as it came over the wire before UseCloudEvents unwraps it for the handler.
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method))
            {
                context.Items["ct"] = context.Request.ContentType;
                context.Request.EnableBuffering();
                using var document = await JsonDocument.ParseAsync(context.Request.Body);
                context.Items[RawKey] = document.RootElement.Clone();
                context.Request.Body.Position = 0;
            }

            await next(context);
        });
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        foreach (var spec in topics)
        {
            // A RequestDelegate that runs the IResult itself: a lambda over HttpContext binds to RequestDelegate and would drop it.
            app.MapPost($"events/{spec.Topic}", async context => await (await subscriber.ReceiveAsync(spec.Topic, context)).ExecuteAsync(context))
               .WithTopic(new TopicOptions { PubsubName = spec.PubsubName, Name = spec.Topic, DeadLetterTopic = spec.DeadLetterTopic });
        }

        await app.StartAsync();
        subscriber.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return subscriber;
    }

    /// <summary>Waits, bounded by <paramref name="timeout"/>, until <paramref name="condition"/> holds for the deliveries so far.</summary>
    public async Task<bool> WaitForAsync(Func<IReadOnlyCollection<Delivery>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var i = 0; i < 100_000; i++)
        {
            if (condition(Deliveries))
            {
                return true;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || !await _arrived.WaitAsync(remaining))
            {
                return condition(Deliveries);
            }
        }

        return condition(Deliveries);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }

    private async Task<IResult> ReceiveAsync(string topic, HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var payload = await reader.ReadToEndAsync();
        var raw = (JsonElement)context.Items[RawKey]!;
        var attempt = _attempts.AddOrUpdate(topic, 1, (_, n) => n + 1);
        var answer = Responder(topic, attempt);
        _deliveries.Enqueue(new Delivery(
            topic, context.Request.Path, context.Items.TryGetValue("ct", out var ct) ? (string?)ct : null, context.Request.Headers["dapr-api-token"].FirstOrDefault(), raw, payload));
        _arrived.Release();
        return answer;
    }
}
