using Microsoft.Extensions.Logging;

namespace IronLb.LocalSidecar.PubSub;

/// <summary>Log messages of <see cref="TopicConsumer"/>.</summary>
internal sealed partial class TopicConsumer
{
    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Consuming topic {Topic} of {PubSub} in group {Group} as {Consumer}")]
    private static partial void LogConsuming(ILogger logger, string topic, string pubSub, string group, string consumer);

    [LoggerMessage(EventId = 311, Level = LogLevel.Warning, Message = "Redis error on {Topic}: {Reason}")]
    private static partial void LogRedisError(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 312, Level = LogLevel.Information, Message = "Redelivering {Id} of {Topic} after processingTimeout")]
    private static partial void LogRedelivering(ILogger logger, string id, string topic);

    [LoggerMessage(EventId = 313, Level = LogLevel.Warning, Message = "Entry {Id} of {Topic} has no data field")]
    private static partial void LogMalformed(ILogger logger, string id, string topic);

    [LoggerMessage(EventId = 314, Level = LogLevel.Warning, Message = "No route matched entry {Id} of {Topic}; acknowledged")]
    private static partial void LogNoRoute(ILogger logger, string id, string topic);

    [LoggerMessage(EventId = 315, Level = LogLevel.Warning, Message = "App answered 404 on {Path} for {Id}; dropped")]
    private static partial void LogNotFound(ILogger logger, string path, string id);

    [LoggerMessage(EventId = 316, Level = LogLevel.Warning, Message = "App dropped {Id} of {Topic}")]
    private static partial void LogDropped(ILogger logger, string id, string topic);

    [LoggerMessage(EventId = 317, Level = LogLevel.Information, Message = "Delivery of {Id} of {Topic} failed; left pending for redelivery")]
    private static partial void LogLeftPending(ILogger logger, string id, string topic);

    [LoggerMessage(EventId = 318, Level = LogLevel.Warning, Message = "Entry {Id} of {Topic} sent to dead-letter topic {DeadLetterTopic}")]
    private static partial void LogDeadLettered(ILogger logger, string id, string topic, string deadLetterTopic);

    [LoggerMessage(EventId = 319, Level = LogLevel.Error, Message = "Unexpected error consuming {Topic}")]
    private static partial void LogUnexpected(ILogger logger, string topic, Exception exception);
}
