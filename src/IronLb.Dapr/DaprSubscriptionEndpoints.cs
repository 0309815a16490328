using System.Text.Json;
using System.Text.Json.Serialization;
using IronLb.Core.Messaging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronLb.Dapr;

/// <summary>Turns one Dapr delivery (a CloudEvent unwrapped by UseCloudEvents) into a call of the subscription's handler.</summary>
internal static partial class DaprSubscriptionEndpoints
{
    // UseCloudEvents forwards envelope fields as headers named "Cloudevent.<field>".
    internal const string IdHeader = "Cloudevent.id";
    internal const string SourceHeader = "Cloudevent.source";

    public static string RouteFor(TopicSubscription subscription) => "events/" + Uri.EscapeDataString(subscription.Topic);

    public static async Task HandleAsync(HttpContext context, TopicSubscription subscription)
    {
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DaprSubscriptionEndpoints));
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);

        var id = context.Request.Headers[IdHeader].FirstOrDefault() ?? string.Empty;
        var source = context.Request.Headers[SourceHeader].FirstOrDefault() ?? string.Empty;
        var envelope = new EventEnvelope(id, subscription.Topic, source, body.ToArray());

        DeliveryResult result;
        try
        {
            var handler = (ITopicHandler)services.GetRequiredService(subscription.HandlerType);
            result = await handler.HandleAsync(envelope, context.RequestAborted).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any handler failure means "deliver again", which Dapr is told explicitly.
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(logger, exception, subscription.Topic, id);
            result = DeliveryResult.Retry;
        }

        // Dapr reads the verdict from the body of a 2xx answer.
        var status = result switch
        {
            DeliveryResult.Success => "SUCCESS",
            DeliveryResult.Drop => "DROP",
            _ => "RETRY",
        };
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new DeliveryStatus(status), DeliveryStatusContext.Default.DeliveryStatus, context.RequestAborted)
            .ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "Handler of topic {Topic} failed on event {EventId}; asking Dapr to retry")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string topic, string eventId);
    }
}

/// <summary>Dapr's answer body for one delivery.</summary>
internal sealed record DeliveryStatus(string Status);

/// <summary>Serialises <see cref="DeliveryStatus"/> without reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DeliveryStatus))]
internal sealed partial class DeliveryStatusContext : JsonSerializerContext;
