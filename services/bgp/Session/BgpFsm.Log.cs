using System.Net;
using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Session;

internal sealed partial class BgpFsm
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "BGP peer {Peer}: {From} -> {To} on {Event}")]
    private static partial void LogTransition(ILogger logger, IPAddress peer, BgpState from, BgpState to, BgpEventKind @event);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "BGP peer {Peer}: sending NOTIFICATION {Code}/{Subcode}")]
    private static partial void LogSendingNotification(ILogger logger, IPAddress peer, BgpErrorCode code, byte subcode);
}
