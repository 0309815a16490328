using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Session;

/// <summary>
/// The RFC 4271 §8 state machine for one connection to one peer, with its ConnectRetry, Hold, Keepalive and
/// IdleHold timers. Not thread-safe: the owner feeds it every event from a single loop, timer events included
/// (timers only post to <see cref="IBgpFsmHost.PostTimerEvent"/>).
/// </summary>
internal sealed partial class BgpFsm : IDisposable
{
    /// <summary>RFC 4271 §8.2.2 suggests a large hold time (4 minutes) until the peer's OPEN arrives.</summary>
    internal static readonly TimeSpan OpenSentHoldTime = TimeSpan.FromMinutes(4);

    private readonly BgpPeerSettings _settings;
    private readonly TimeProvider _time;
    private readonly IBgpFsmHost _host;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly FsmTimer _connectRetry;
    private readonly FsmTimer _hold;
    private readonly FsmTimer _keepalive;
    private readonly FsmTimer _idleHold;
    private NegotiatedSession? _session;
    private bool _autoRestart;
    private bool _passive;

    public BgpFsm(BgpPeerSettings settings, TimeProvider time, IBgpFsmHost host, ILogger logger, Random? random = null)
    {
        _settings = settings;
        _time = time;
        _host = host;
        _logger = logger;
        _random = random ?? Random.Shared;
        _connectRetry = new FsmTimer(this, BgpEventKind.ConnectRetryTimerExpires);
        _hold = new FsmTimer(this, BgpEventKind.HoldTimerExpires);
        _keepalive = new FsmTimer(this, BgpEventKind.KeepaliveTimerExpires);
        _idleHold = new FsmTimer(this, BgpEventKind.IdleHoldTimerExpires);
    }

    public BgpState State { get; private set; } = BgpState.Idle;

    /// <summary>Consecutive failures; drives the restart backoff and is cleared once the session is Established.</summary>
    public int ConnectRetryCounter { get; private set; }

    /// <summary>The agreed parameters while in OpenConfirm or Established.</summary>
    public NegotiatedSession? Session => _session;

    /// <summary>The delay chosen for the pending automatic restart, for logs and tests.</summary>
    public TimeSpan LastIdleHoldDelay { get; private set; }

    /// <summary>
    /// Set while this speaker is restarting under graceful restart: OPENs carry the R bit (RFC 4724 §3) until the owner
    /// has sent its End-of-RIB and clears it.
    /// </summary>
    public bool RestartState { get; set; }

    public void Handle(BgpEvent e)
    {
        if (IsTimer(e.Kind) && !TimerFor(e.Kind).IsCurrent(e.Generation))
        {
            return; // fired before it was stopped or restarted: stale
        }

        var before = State;
        switch (State)
        {
            case BgpState.Idle:
                OnIdle(e);
                break;
            case BgpState.Connect:
            case BgpState.Active:
                OnConnectOrActive(e);
                break;
            case BgpState.OpenSent:
                OnOpenSent(e);
                break;
            case BgpState.OpenConfirm:
                OnOpenConfirm(e);
                break;
            default:
                OnEstablished(e);
                break;
        }

        if (State != before)
        {
            LogTransition(_logger, _settings.PeerAddress, before, State, e.Kind);
        }
    }

    public void Dispose()
    {
        _connectRetry.Dispose();
        _hold.Dispose();
        _keepalive.Dispose();
        _idleHold.Dispose();
    }

    private void OnIdle(BgpEvent e)
    {
        switch (e.Kind)
        {
            case BgpEventKind.ManualStart or BgpEventKind.AutomaticStart:
                _autoRestart = true;
                _passive = _settings.Passive;
                Start();
                break;
            case BgpEventKind.ManualStartPassive or BgpEventKind.AutomaticStartPassive:
                _autoRestart = e.Kind == BgpEventKind.ManualStartPassive;
                _passive = true;
                Start();
                break;
            case BgpEventKind.IdleHoldTimerExpires:
                Start();
                break;
            case BgpEventKind.ManualStop:
                _autoRestart = false;
                _idleHold.Stop();
                break;
            default:
                break; // RFC 4271 §8.2.2: any other event is ignored in Idle.
        }
    }

    private void Start()
    {
        _connectRetry.Start(Jitter(_settings.ConnectRetryTime));
        if (_passive)
        {
            State = BgpState.Active;
        }
        else
        {
            State = BgpState.Connect;
            _host.Connect();
        }
    }

    private void OnConnectOrActive(BgpEvent e)
    {
        switch (e.Kind)
        {
            case BgpEventKind.ManualStop:
                Stop(null, manual: true);
                break;
            case BgpEventKind.ConnectRetryTimerExpires:
                _connectRetry.Start(Jitter(_settings.ConnectRetryTime));
                if (!_passive)
                {
                    _host.Disconnect();
                    _host.Connect();
                    State = BgpState.Connect;
                }

                break;
            case BgpEventKind.TcpCrAcked or BgpEventKind.TcpConnectionConfirmed:
                _connectRetry.Stop();
                _host.Send(OpenNegotiation.BuildOpen(_settings, RestartState));
                _hold.Start(OpenSentHoldTime);
                State = BgpState.OpenSent;
                break;
            case BgpEventKind.TcpConnectionFails when State == BgpState.Connect:
                // §8.2.2 Connect, Event 18: keep the timer running and listen (Active) until it fires.
                _host.Disconnect();
                State = BgpState.Active;
                break;
            case BgpEventKind.AutomaticStart or BgpEventKind.ManualStart or BgpEventKind.ManualStartPassive or BgpEventKind.AutomaticStartPassive:
                break;
            default:
                Fail(null);
                break;
        }
    }

    private void OnOpenSent(BgpEvent e)
    {
        switch (e.Kind)
        {
            case BgpEventKind.BgpOpen:
                var (session, error) = OpenNegotiation.Negotiate(_settings, (OpenMessage)e.Message!);
                if (session is null)
                {
                    Fail(error);
                    return;
                }

                _session = session;
                _connectRetry.Stop();
                _host.Send(KeepaliveMessage.Instance);
                StartSessionTimers();
                State = BgpState.OpenConfirm;
                break;
            case BgpEventKind.TcpConnectionFails:
                // §8.2.2 OpenSent, Event 18: back to Active to wait for the peer's connection.
                _host.Disconnect();
                _hold.Stop();
                _connectRetry.Start(Jitter(_settings.ConnectRetryTime));
                State = BgpState.Active;
                break;
            default:
                OnCommon(e, BgpErrorSubcode.UnexpectedMessageInOpenSent);
                break;
        }
    }

    private void OnOpenConfirm(BgpEvent e)
    {
        switch (e.Kind)
        {
            case BgpEventKind.KeepAliveMsg:
                RestartHold();
                ConnectRetryCounter = 0;
                State = BgpState.Established;
                _host.OnEstablished(_session!);
                break;
            case BgpEventKind.KeepaliveTimerExpires:
                _host.Send(KeepaliveMessage.Instance);
                _keepalive.Start(Jitter(_session!.KeepaliveInterval));
                break;
            default:
                OnCommon(e, BgpErrorSubcode.UnexpectedMessageInOpenConfirm);
                break;
        }
    }

    private void OnEstablished(BgpEvent e)
    {
        switch (e.Kind)
        {
            case BgpEventKind.KeepAliveMsg:
                RestartHold();
                break;
            case BgpEventKind.UpdateMsg or BgpEventKind.RouteRefreshMsg:
                RestartHold();
                _host.OnMessage(e.Message!);
                break;
            case BgpEventKind.KeepaliveTimerExpires:
                _host.Send(KeepaliveMessage.Instance);
                _keepalive.Start(Jitter(_session!.KeepaliveInterval));
                break;
            case BgpEventKind.UpdateMsgErr:
                Fail((NotificationMessage)e.Message!);
                break;
            default:
                OnCommon(e, BgpErrorSubcode.UnexpectedMessageInEstablished);
                break;
        }
    }

    /// <summary>Events handled the same way in OpenSent, OpenConfirm and Established.</summary>
    private void OnCommon(BgpEvent e, byte fsmErrorSubcode)
    {
        switch (e.Kind)
        {
            case BgpEventKind.CollisionSwitch when State != BgpState.Established:
                // The host has already closed the losing connection and put the winner in its place.
                _session = null;
                _keepalive.Stop();
                _host.Send(OpenNegotiation.BuildOpen(_settings, RestartState));
                _hold.Start(OpenSentHoldTime);
                State = BgpState.OpenSent;
                break;
            case BgpEventKind.ManualStop:
                Stop(new NotificationMessage(BgpErrorCode.Cease, BgpErrorSubcode.AdministrativeShutdown), manual: true);
                break;
            case BgpEventKind.AutomaticStop:
                Fail(new NotificationMessage(BgpErrorCode.Cease, BgpErrorSubcode.AdministrativeReset));
                break;
            case BgpEventKind.HoldTimerExpires:
                Fail(new NotificationMessage(BgpErrorCode.HoldTimerExpired, 0));
                break;
            case BgpEventKind.BgpHeaderErr or BgpEventKind.BgpOpenMsgErr:
                Fail((NotificationMessage)e.Message!);
                break;
            case BgpEventKind.OpenCollisionDump:
                Fail(new NotificationMessage(BgpErrorCode.Cease, BgpErrorSubcode.ConnectionCollisionResolution));
                break;
            case BgpEventKind.NotifMsgVerErr:
                // §8.2.2: an unsupported-version NOTIFICATION does not count as a failure.
                Stop(null, manual: false, countFailure: false);
                break;
            case BgpEventKind.TcpConnectionFails or BgpEventKind.NotifMsg:
                Fail(null); // never answer a NOTIFICATION or a dead connection with a NOTIFICATION
                break;
            case BgpEventKind.AutomaticStart or BgpEventKind.ManualStart or BgpEventKind.ManualStartPassive or BgpEventKind.AutomaticStartPassive:
                break;
            default:
                Fail(new NotificationMessage(BgpErrorCode.FiniteStateMachine, fsmErrorSubcode));
                break;
        }
    }

    private void StartSessionTimers()
    {
        // A negotiated hold time of zero turns both timers off (RFC 4271 §4.4).
        if (_session!.HoldTime == TimeSpan.Zero)
        {
            _hold.Stop();
            _keepalive.Stop();
            return;
        }

        _hold.Start(_session.HoldTime);
        _keepalive.Start(Jitter(_session.KeepaliveInterval));
    }

    private void RestartHold()
    {
        if (_session!.HoldTime != TimeSpan.Zero)
        {
            _hold.Start(_session.HoldTime);
        }
    }

    private void Fail(NotificationMessage? notification) => Stop(notification, manual: false);

    /// <summary>Leaves for Idle: sends the NOTIFICATION, drops the connection, and schedules the restart unless stopped by hand.</summary>
    private void Stop(NotificationMessage? notification, bool manual, bool countFailure = true)
    {
        var wasEstablished = State == BgpState.Established;
        if (notification is not null)
        {
            LogSendingNotification(_logger, _settings.PeerAddress, notification.Code, notification.Subcode);
            _host.Send(notification);
        }

        _connectRetry.Stop();
        _hold.Stop();
        _keepalive.Stop();
        _host.Disconnect();
        _session = null;
        State = BgpState.Idle;
        if (wasEstablished)
        {
            _host.OnSessionDown();
        }

        if (manual)
        {
            _autoRestart = false;
            ConnectRetryCounter = 0;
            return;
        }

        if (countFailure)
        {
            ConnectRetryCounter++;
        }

        if (_autoRestart)
        {
            // Exponential backoff with jitter, so that a peer that keeps refusing is not hammered and many
            // speakers restarted together do not reconnect in lockstep (RFC 4271 §8.1.1 IdleHoldTimer, §10).
            var exponent = Math.Min(Math.Max(ConnectRetryCounter - 1, 0), 16);
            var delay = TimeSpan.FromTicks(Math.Min(_settings.MaxIdleHoldTime.Ticks, _settings.IdleHoldTime.Ticks << exponent));
            LastIdleHoldDelay = Jitter(delay);
            _idleHold.Start(LastIdleHoldDelay);
        }
    }

    /// <summary>RFC 4271 §10: timers are scaled by a random factor between 0.75 and 1.0.</summary>
    private TimeSpan Jitter(TimeSpan value) => TimeSpan.FromTicks((long)(value.Ticks * (0.75 + (0.25 * _random.NextDouble()))));

    private static bool IsTimer(BgpEventKind kind) => kind is BgpEventKind.ConnectRetryTimerExpires or BgpEventKind.HoldTimerExpires
        or BgpEventKind.KeepaliveTimerExpires or BgpEventKind.IdleHoldTimerExpires;

    private FsmTimer TimerFor(BgpEventKind kind) => kind switch
    {
        BgpEventKind.ConnectRetryTimerExpires => _connectRetry,
        BgpEventKind.HoldTimerExpires => _hold,
        BgpEventKind.KeepaliveTimerExpires => _keepalive,
        _ => _idleHold,
    };
}
