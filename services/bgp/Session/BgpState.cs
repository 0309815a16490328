using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Session;

/// <summary>The six states of the BGP finite state machine (RFC 4271 §8.2.2).</summary>
internal enum BgpState
{
    Idle,
    Connect,
    Active,
    OpenSent,
    OpenConfirm,
    Established,
}

/// <summary>FSM events, numbered as in RFC 4271 §8.1; RouteRefreshMsg is added for RFC 2918.</summary>
internal enum BgpEventKind
{
    ManualStart = 1,
    ManualStop = 2,
    AutomaticStart = 3,
    ManualStartPassive = 4,
    AutomaticStartPassive = 5,
    AutomaticStop = 8,
    ConnectRetryTimerExpires = 9,
    HoldTimerExpires = 10,
    KeepaliveTimerExpires = 11,
    IdleHoldTimerExpires = 13,
    TcpCrAcked = 16,
    TcpConnectionConfirmed = 17,
    TcpConnectionFails = 18,
    BgpOpen = 19,
    BgpHeaderErr = 21,
    BgpOpenMsgErr = 22,
    OpenCollisionDump = 23,
    NotifMsgVerErr = 24,
    NotifMsg = 25,
    KeepAliveMsg = 26,
    UpdateMsg = 27,
    UpdateMsgErr = 28,
    RouteRefreshMsg = 100,

    /// <summary>Collision resolution kept the peer's connection: restart the OPEN exchange on it (RFC 4271 §6.8).</summary>
    CollisionSwitch = 101,
}

/// <summary>One FSM event; messages and errors ride along, timer events carry the generation of the timer that fired.</summary>
internal readonly record struct BgpEvent(BgpEventKind Kind, BgpMessage? Message = null, int Generation = 0)
{
    public static implicit operator BgpEvent(BgpEventKind kind) => new(kind);
}

/// <summary>What the FSM asks of the connection it drives. Called only from inside <see cref="BgpFsm.Handle"/>, except <see cref="PostTimerEvent"/>.</summary>
internal interface IBgpFsmHost
{
    /// <summary>Queues a timer event; called on a timer thread, so it must hand the event to the owner's serial loop.</summary>
    void PostTimerEvent(BgpEvent timerEvent);

    /// <summary>Starts an outbound TCP connection; the result arrives as TcpCrAcked or TcpConnectionFails.</summary>
    void Connect();

    /// <summary>Closes the TCP connection, if any, after anything already queued has been sent.</summary>
    void Disconnect();

    void Send(BgpMessage message);

    void OnEstablished(NegotiatedSession session);

    /// <summary>An UPDATE or ROUTE-REFRESH received in Established.</summary>
    void OnMessage(BgpMessage message);

    /// <summary>The session left Established.</summary>
    void OnSessionDown();
}
