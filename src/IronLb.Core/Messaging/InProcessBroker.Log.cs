using Microsoft.Extensions.Logging;

namespace IronLb.Core.Messaging;

internal sealed partial class InProcessBroker
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Event {EventId} on topic {Topic} has no subscribers and is discarded")]
        public static partial void NoSubscribers(ILogger logger, string topic, string eventId);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Consumer joined group {Group} on topic {Topic} (dead letters to {DeadLetterTopic})")]
        public static partial void Subscribed(ILogger logger, string topic, string group, string? deadLetterTopic);

        [LoggerMessage(EventId = 1203, Level = LogLevel.Debug, Message = "Event {EventId} on topic {Topic} for group {Group} failed attempt {Attempt}; redelivering in {Delay}")]
        public static partial void Redelivering(ILogger logger, string topic, string group, string eventId, int attempt, TimeSpan delay);

        [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Event {EventId} on topic {Topic} for group {Group} {Reason}; sent to {DeadLetterTopic}")]
        public static partial void DeadLettered(ILogger logger, string topic, string group, string eventId, string reason, string deadLetterTopic);

        [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Event {EventId} on topic {Topic} for group {Group} {Reason}; no dead-letter topic, discarded")]
        public static partial void Discarded(ILogger logger, string topic, string group, string eventId, string reason);

        [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Handler of topic {Topic} in group {Group} failed on event {EventId}")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string topic, string group, string eventId);

        [LoggerMessage(EventId = 1207, Level = LogLevel.Warning, Message = "Event {EventId} on topic {Topic} for group {Group} was lost: interrupted by shutdown with a full queue")]
        public static partial void LostOnShutdown(ILogger logger, string topic, string group, string eventId);
    }
}
