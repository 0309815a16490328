using System.Text.Json;
using StackExchange.Redis;

namespace IronLb.LocalSidecar.PubSub;

/// <summary>One entry into the app and what its answer does to the stream: ack, dead-letter or leave pending.</summary>
internal sealed partial class TopicConsumer
{
    private async Task HandleAsync(StreamEntry entry, CancellationToken cancellationToken)
    {
        var id = entry.Id.ToString();
        if (!_inFlight.TryAdd(id, true))
        {
            return;
        }

        try
        {
            await HandleOnceAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
        }
    }

    private async Task HandleOnceAsync(StreamEntry entry, CancellationToken cancellationToken)
    {
        var data = entry[RedisStreamPublisher.DataField];
        if (data.IsNull)
        {
            LogMalformed(logger, entry.Id.ToString(), Topic);
            await AckAsync(entry).ConfigureAwait(false);
            return;
        }

        // An entry that is not a CloudEvent (published raw, or by another writer) is wrapped here, as daprd does on
        // the subscriber side, so the app always receives an envelope.
        var envelope = IsCloudEvent(data!) ? (byte[])data! : CloudEventEnvelope.Wrap(
            (byte[])data!, null, new CloudEventEnvelope.Context("", Topic, component.Name, null, null, time.GetUtcNow()));
        string? path;
        string? traceParent;
        using (var document = JsonDocument.Parse(envelope))
        {
            path = RouteSelector.Select(subscription, document.RootElement);
            traceParent = document.RootElement.TryGetProperty("traceparent", out var tp) && tp.ValueKind == JsonValueKind.String ? tp.GetString() : null;
        }

        if (path is null)
        {
            // daprd acknowledges an event no route matches.
            LogNoRoute(logger, entry.Id.ToString(), Topic);
            await AckAsync(entry).ConfigureAwait(false);
            return;
        }

        var outcome = await DeliverWithRetriesAsync(path, envelope, traceParent, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case AppResponse.Success:
                await AckAsync(entry).ConfigureAwait(false);
                break;
            case AppResponse.NotFound:
                LogNotFound(logger, path, entry.Id.ToString());
                await AckAsync(entry).ConfigureAwait(false);
                break;
            case AppResponse.Drop:
                LogDropped(logger, entry.Id.ToString(), Topic);
                await DeadLetterOrAckAsync(entry, envelope).ConfigureAwait(false);
                break;
            default:
                if (subscription.DeadLetterTopic is not null)
                {
                    // Dapr: with a dead-letter topic a failed delivery goes there at once, or after the inbound
                    // resiliency retries when a policy is set; it is not redelivered by the component.
                    await DeadLetterOrAckAsync(entry, envelope).ConfigureAwait(false);
                }
                else
                {
                    // Left pending: the reclaim loop hands it out again after processingTimeout.
                    LogLeftPending(logger, entry.Id.ToString(), Topic);
                }

                break;
        }
    }

    private static bool IsCloudEvent(byte[] data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("specversion", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<AppResponse> DeliverWithRetriesAsync(string path, byte[] envelope, string? traceParent, CancellationToken cancellationToken)
    {
        var outcome = await app.DeliverAsync(path, envelope, traceParent, cancellationToken).ConfigureAwait(false);
        if (outcome != AppResponse.Retry || component.InboundRetry is not { } policy)
        {
            return outcome;
        }

        for (var retry = 1; retry <= policy.EffectiveRetries && outcome == AppResponse.Retry; retry++)
        {
            await Task.Delay(policy.DelayBefore(retry), time, cancellationToken).ConfigureAwait(false);
            outcome = await app.DeliverAsync(path, envelope, traceParent, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    private async Task DeadLetterOrAckAsync(StreamEntry entry, byte[] envelope)
    {
        if (subscription.DeadLetterTopic is { } deadLetter)
        {
            try
            {
                // As daprd: the event is republished unchanged, on the same component.
                await publisher.PublishAsync(component, deadLetter, envelope).ConfigureAwait(false);
                LogDeadLettered(logger, entry.Id.ToString(), Topic, deadLetter);
            }
            catch (RedisException e)
            {
                // Not acknowledged, so it is redelivered rather than lost.
                LogRedisError(logger, deadLetter, e.Message);
                return;
            }
        }

        await AckAsync(entry).ConfigureAwait(false);
    }

    private async Task AckAsync(StreamEntry entry) => await database.StreamAcknowledgeAsync(Topic, Group, entry.Id).ConfigureAwait(false);
}
