using System.Net;

namespace IronLb.Layer2.Announcing;

internal sealed partial class Layer2Announcer
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Layer 2 announcer started; {CandidateCount} candidate interfaces")]
    private static partial void LogStarted(ILogger logger, int candidateCount);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Gained {Address} (epoch {Epoch}) on interfaces [{Interfaces}]")]
    private static partial void LogGained(ILogger logger, IPAddress address, long epoch, string interfaces);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Lost {Address}; no longer answering for it")]
    private static partial void LogLost(ILogger logger, IPAddress address);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Ignored owner record for {Address} with stale epoch {Epoch}")]
    private static partial void LogStaleOwnership(ILogger logger, IPAddress address, long epoch);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Debug, Message = "Answered for {Address} on {Interface}")]
    private static partial void LogAnswered(ILogger logger, IPAddress address, string @interface);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Debug, Message = "Dropped a malformed frame on {Interface}: {Reason} ({Length} bytes)")]
    private static partial void LogMalformed(ILogger logger, string @interface, string reason, int length);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Error, Message = "Handling a frame on {Interface} failed")]
    private static partial void LogFrameFailed(ILogger logger, string @interface, Exception exception);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "Interfaces changed: {Interfaces}")]
    private static partial void LogInterfacesChanged(ILogger logger, string interfaces);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Error, Message = "Reading the interfaces failed; keeping the last known set")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Capturing on {Interface} ({Mac})")]
    private static partial void LogPortOpened(ILogger logger, string @interface, string mac);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Error, Message = "Cannot open interface {Interface} for capture and send; retrying when interfaces are next read")]
    private static partial void LogPortFailed(ILogger logger, string @interface, Exception exception);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "Stopped capturing on {Interface}")]
    private static partial void LogPortClosed(ILogger logger, string @interface);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "Joining solicited-node groups on {Interface} failed")]
    private static partial void LogJoinFailed(ILogger logger, string @interface, Exception exception);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Debug, Message = "Sent a gratuitous announcement for {Address} on {Interface}")]
    private static partial void LogGratuitousSent(ILogger logger, IPAddress address, string @interface);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Error, Message = "Sending on {Interface} failed")]
    private static partial void LogSendFailed(ILogger logger, string @interface, Exception exception);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Warning, Message = "Ignored ownership of {Count} addresses: the announcer is stopped")]
    private static partial void LogIgnoredWhileStopped(ILogger logger, int count);

    [LoggerMessage(EventId = 5017, Level = LogLevel.Debug, Message = "Fenced: not answering for {Address} on {Interface} (no recent beacon or contact)")]
    private static partial void LogFenced(ILogger logger, IPAddress address, string @interface);
}
