using System.Net;
using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Session;

internal sealed partial class BgpPeerSession
{
    [LoggerMessage(EventId = 4110, Level = LogLevel.Information, Message = "BGP peer {Peer}: established, hold time {HoldSeconds} s, families {Families}")]
    private static partial void LogEstablished(ILogger logger, IPAddress peer, double holdSeconds, string families);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Debug, Message = "BGP peer {Peer}: connect failed ({Reason})")]
    private static partial void LogConnectFailed(ILogger logger, IPAddress peer, string reason);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Warning, Message = "BGP peer {Peer}: received NOTIFICATION {Code}/{Subcode}")]
    private static partial void LogNotificationReceived(ILogger logger, IPAddress peer, BgpErrorCode code, byte subcode);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "BGP peer {Peer}: malformed UPDATE handled by {Action} (subcode {Subcode})")]
    private static partial void LogRevisedErrorHandling(ILogger logger, IPAddress peer, UpdateErrorAction action, byte subcode);

    [LoggerMessage(EventId = 4114, Level = LogLevel.Information, Message = "BGP peer {Peer}: connection collision, keeping {Kept}")]
    private static partial void LogCollision(ILogger logger, IPAddress peer, string kept);

    [LoggerMessage(EventId = 4115, Level = LogLevel.Error, Message = "BGP peer {Peer}: session fault, resetting the session")]
    private static partial void LogSessionFault(ILogger logger, Exception exception, IPAddress peer);

    [LoggerMessage(EventId = 4116, Level = LogLevel.Warning, Message = "BGP peer {Peer}: no next hop for {Family} on this session; its routes are held back (set a next hop of that family)")]
    private static partial void LogNoNextHop(ILogger logger, IPAddress peer, string family);
}
