namespace IronLb.Core.Messaging;

/// <summary>Publishes events to a topic: the port behind Dapr's pub/sub API.</summary>
/// <remarks>Delivery is at least once and unordered; events are doorbells, state is truth.</remarks>
public interface IEventPublisher
{
    /// <summary>Publishes <paramref name="data"/> (JSON) to <paramref name="topic"/>.</summary>
    Task PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);
}

/// <summary>An event as a subscriber receives it (the fields of a CloudEvent that IronLB uses).</summary>
/// <param name="Id">Unique per published event; redeliveries keep it.</param>
/// <param name="Topic">The topic it was published to.</param>
/// <param name="Source">The publishing application.</param>
/// <param name="Data">The JSON payload.</param>
public sealed record EventEnvelope(string Id, string Topic, string Source, ReadOnlyMemory<byte> Data);

/// <summary>What a subscriber answers for one delivery (Dapr's SUCCESS, RETRY, DROP).</summary>
public enum DeliveryResult
{
    /// <summary>Processed; never deliver again.</summary>
    Success,

    /// <summary>Not processed; deliver again later.</summary>
    Retry,

    /// <summary>Unprocessable; send to the dead-letter topic when one is set, else discard.</summary>
    Drop,
}

/// <summary>Handles the events of one topic.</summary>
public interface ITopicHandler
{
    /// <summary>Processes one delivery. An exception counts as <see cref="DeliveryResult.Retry"/>.</summary>
    Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>A subscription a service declares at start: topic, handler and dead-letter topic.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="HandlerType">An <see cref="ITopicHandler"/> resolved from the service provider.</param>
/// <param name="DeadLetterTopic">Where dropped or exhausted deliveries go, or null.</param>
public sealed record TopicSubscription(string Topic, Type HandlerType, string? DeadLetterTopic);
