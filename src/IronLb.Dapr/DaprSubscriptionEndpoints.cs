using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using IronLb.Core.Messaging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronLb.Dapr;

/// <summary>Turns one Dapr delivery (a CloudEvent) into a call of the subscription's handler.</summary>
/// <remarks>
/// Bounded: a body over <see cref="MaxEventBytes"/> is refused with 413 before it is read whole; a malformed envelope, an
/// unknown CloudEvents version or data that is not JSON with 400. Dapr retries a 4xx and then dead-letters it, and the
/// process never spends more than the limit on one delivery.
/// </remarks>
internal static partial class DaprSubscriptionEndpoints
{
    /// <summary>The largest delivery accepted. IronLB's events are doorbells of a few dozen bytes; documents travel through the state store.</summary>
    public const int MaxEventBytes = 64 * 1024;

    public static string RouteFor(TopicSubscription subscription) => "events/" + Uri.EscapeDataString(subscription.Topic);

    public static async Task HandleAsync(HttpContext context, TopicSubscription subscription)
    {
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DaprSubscriptionEndpoints));
        if (context.Request.ContentLength > MaxEventBytes || await ReadBoundedAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false) is not { } body)
        {
            Log.Refused(logger, subscription.Topic, $"the body exceeds {MaxEventBytes} bytes");
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var read = CloudEventReader.Read(context.Request.ContentType, body);
        if (read.Problem is { } problem)
        {
            Log.Refused(logger, subscription.Topic, problem);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var envelope = new EventEnvelope(read.Id, subscription.Topic, read.Source, read.Data);
        DeliveryResult result;
        try
        {
            var handler = (ITopicHandler)services.GetRequiredService(subscription.HandlerType);
            result = await handler.HandleAsync(envelope, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            // Well-formed JSON of the wrong shape: delivering it again cannot help.
            Log.Refused(logger, subscription.Topic, exception.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
#pragma warning disable CA1031 // Any handler failure means "deliver again", which Dapr is told explicitly.
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(logger, exception, subscription.Topic, read.Id);
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

    /// <summary>The whole body, or null as soon as it grows past <see cref="MaxEventBytes"/> (a chunked body has no length to check first).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxEventBytes + 1);
        try
        {
            var total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(total, MaxEventBytes + 1 - total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > MaxEventBytes)
                {
                    return null;
                }
            }

            return buffer.AsSpan(0, total).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "Handler of topic {Topic} failed on event {EventId}; asking Dapr to retry")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string topic, string eventId);

        [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "Delivery on topic {Topic} refused: {Problem}")]
        public static partial void Refused(ILogger logger, string topic, string problem);
    }
}

/// <summary>Dapr's answer body for one delivery.</summary>
internal sealed record DeliveryStatus(string Status);

/// <summary>Serialises <see cref="DeliveryStatus"/> without reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DeliveryStatus))]
internal sealed partial class DeliveryStatusContext : JsonSerializerContext;
