using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Transport;

namespace IronLb.Bgp.Session;

/// <summary>
/// One peer: its FSM, its TCP connection(s) and its Adj-RIB-Out, driven by a single loop so that none of them
/// needs a lock. Sockets, timers and callers only post inputs to that loop.
/// </summary>
internal sealed partial class BgpPeerSession : IBgpFsmHost, IBgpConnectionObserver, IAsyncDisposable
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(2);

    private readonly IBgpSocketFactory _sockets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Input> _inbox = Channel.CreateUnbounded<Input>(new UnboundedChannelOptions { SingleReader = true });
    private readonly BgpFsm _fsm;
    private readonly AdjRibOut _rib = new();
    private readonly List<Task> _closing = [];
    private readonly List<(Func<BgpPeerStatus, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private BgpConnection? _connection;
    private BgpConnection? _pending;
    private CancellationTokenSource? _connectAttempt;
    private int _attempt;
    private NegotiatedSession? _session;
    private UpdateContext? _context;
    private IReadOnlySet<BgpFamily> _sendFamilies = new HashSet<BgpFamily>();
    private Task _loop = Task.CompletedTask;
    private volatile BgpPeerStatus _status;
    private int _establishedCount;
    private long _updatesSent;
    private long _updatesReceived;
    private DateTimeOffset? _establishedAt;
    private string? _lastError;
    private string? _errorWhenEstablished;
    private bool _stopped;
    private bool _awaitingRoutes;

    /// <param name="settings">The peer.</param>
    /// <param name="sockets">Where sockets come from.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="restarting">
    /// This process replaced one that stopped without a clean exit, within the peer's restart time: OPENs carry the
    /// graceful restart R bit, and the initial table and End-of-RIB wait for the first <see cref="SetAnnouncements"/>,
    /// so that the peer, which kept our routes as stale, never sees an End-of-RIB that would drop them.
    /// </param>
    public BgpPeerSession(BgpPeerSettings settings, IBgpSocketFactory sockets, TimeProvider time, ILogger logger, bool restarting = false)
    {
        Settings = settings;
        _sockets = sockets;
        _time = time;
        _logger = logger;
        _awaitingRoutes = restarting;
        _fsm = new BgpFsm(settings, time, this, logger) { RestartState = restarting };
        _status = new BgpPeerStatus(settings.PeerAddress, BgpState.Idle, 0, 0, 0, 0, null, null, settings.BindDevice);
    }

    public BgpPeerSettings Settings { get; }

    /// <summary>Told of session and announcement changes (the public event stream), or null. Set before <see cref="Start"/>.</summary>
    public IBgpSessionObserver? Observer { get; init; }

    public BgpPeerStatus Status => _status;

    public void Start()
    {
        _loop = Task.Run(RunAsync);
        Post(new FsmInput(new BgpEvent(Settings.Passive ? BgpEventKind.ManualStartPassive : BgpEventKind.ManualStart), null));
    }

    /// <summary>Replaces what this peer should hold; the difference goes out as UPDATEs once Established.</summary>
    public void SetAnnouncements(IReadOnlyCollection<Announcement> announcements) => Post(new DesiredInput(announcements));

    /// <summary>BFD declared the peer unreachable: the session goes down at once instead of waiting for the hold timer (RFC 5882 §4.3).</summary>
    public void OnBfdDown() => Post(new FsmInput(new BgpEvent(BgpEventKind.AutomaticStop), null));

    /// <summary>Hands over a connection the listener accepted from this peer's address.</summary>
    public void Accept(Socket socket)
    {
        if (!_inbox.Writer.TryWrite(new InboundInput(socket)))
        {
            socket.Dispose();
        }
    }

    /// <summary>Completes when the status satisfies <paramref name="condition"/> (checked after every input).</summary>
    public Task WaitForAsync(Func<BgpPeerStatus, bool> condition, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new WaitInput(condition, done));
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Withdraws every route, sends a Cease NOTIFICATION and closes (a clean exit, ARCHITECTURE rule 6).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Post(new StopInput(done)))
        {
            await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await StopAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _fsm.Dispose();
    }

    void IBgpConnectionObserver.OnReceived(BgpConnection connection, BgpDecodeResult result) => Post(new ReceivedInput(connection, result));

    void IBgpConnectionObserver.OnClosed(BgpConnection connection) => Post(new ClosedInput(connection));

    void IBgpFsmHost.PostTimerEvent(BgpEvent timerEvent) => Post(new FsmInput(timerEvent, null));

    void IBgpFsmHost.Disconnect()
    {
        _connectAttempt?.Cancel();
        if (_connection is { } connection)
        {
            _connection = null;
            _closing.Add(connection.CloseAsync(FlushTimeout));
        }
    }

    void IBgpFsmHost.Send(BgpMessage message) => _connection?.Send(message);

    private IPAddress? NextHop(IPAddress local, AddressFamily family, NegotiatedSession session)
    {
        if (local.AddressFamily == family)
        {
            return local;
        }

        var wanted = family == AddressFamily.InterNetwork ? BgpFamily.Ipv4Unicast : BgpFamily.Ipv6Unicast;
        return session.Families.Contains(wanted) ? _sockets.SiblingAddress(local, family) : null;
    }

    void IBgpFsmHost.OnEstablished(NegotiatedSession session)
    {
        _session = session;
        _establishedCount++;
        _establishedAt = _time.GetUtcNow();
        var local = _connection!.Local.Address;
        local = local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local;

        // The other family's next hop (dualStackAddressFamily): an address of that family on the session's interface,
        // as FRR takes it, unless one is configured.
        _context = new UpdateContext(
            Settings.LocalAsn,
            Settings.IsInternal,
            Settings.Ipv4NextHop ?? NextHop(local, AddressFamily.InterNetwork, session),
            Settings.Ipv6NextHop ?? NextHop(local, AddressFamily.InterNetworkV6, session),
            session.CodecOptions);
        LogEstablished(_logger, Settings.PeerAddress, session.HoldTime.TotalSeconds, string.Join(",", session.Families));

        // A family without a next hop of its own kind (IPv6 over an IPv4 session with no IPv6 next hop configured)
        // cannot be announced; it is held back rather than letting every UPDATE fail.
        _sendFamilies = session.Families
            .Where(f => f == BgpFamily.Ipv4Unicast ? _context.Ipv4NextHop is not null : _context.Ipv6NextHop is not null)
            .ToHashSet();
        foreach (var family in session.Families.Except(_sendFamilies))
        {
            LogNoNextHop(_logger, Settings.PeerAddress, family.ToString());
        }

        _rib.ForgetAdvertised();
        _errorWhenEstablished = _lastError;
        Observer?.SessionUp(Settings);
        if (!_awaitingRoutes)
        {
            SendInitialTable();
        }
    }

    void IBgpFsmHost.OnMessage(BgpMessage message)
    {
        if (message is RouteRefreshMessage refresh && _session!.Families.Contains(refresh.Family))
        {
            // RFC 2918 §4: re-send the whole Adj-RIB-Out of that family.
            var buffer = new ArrayBufferWriter<byte>();
            foreach (var group in _rib.Snapshot(refresh.Family))
            {
                _updatesSent += UpdatePacker.WriteGroup(buffer, group, _context!);
            }

            _connection!.Send(buffer.WrittenMemory);
        }
        else if (message is UpdateMessage)
        {
            _updatesReceived++;
        }
    }

    void IBgpFsmHost.OnSessionDown()
    {
        _session = null;
        _context = null;
        _establishedAt = null;
        if (Observer is { } observer)
        {
            // The peer drops what it held from us with the session.
            var dropped = _rib.Advertised.Keys.ToList();
            // An error recorded while Established is why it ended; one from before is not.
            var reason = !ReferenceEquals(_lastError, _errorWhenEstablished) && _lastError is not null ? _lastError : _stopped ? "stopped" : "connection closed";
            observer.SessionDown(Settings, reason);
            if (dropped.Count > 0)
            {
                observer.Announced(Settings, [], dropped);
            }
        }

        _rib.ForgetAdvertised();
    }

    private bool Post(Input input) => _inbox.Writer.TryWrite(input);

    private async Task RunAsync()
    {
        await foreach (var input in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await HandleAsync(input).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One peer's failure must never take the process or other sessions down: reset this one.
                LogSessionFault(_logger, ex, Settings.PeerAddress);
                _lastError = ex.Message;
                _fsm.Handle(new BgpEvent(BgpEventKind.TcpConnectionFails));
            }

            Publish();
        }
    }

    private async Task HandleAsync(Input input)
    {
        switch (input)
        {
            case FsmInput fsm:
                _fsm.Handle(fsm.Event);
                break;
            case ReceivedInput received when received.Connection == _pending:
                ResolveCollision(received.Result);
                break;
            case ReceivedInput received when received.Connection == _connection:
                OnReceived(received.Result);
                break;
            case ClosedInput closed when closed.Connection == _connection:
                _fsm.Handle(new BgpEvent(BgpEventKind.TcpConnectionFails));
                break;
            case ClosedInput closed when closed.Connection == _pending:
                _pending = null;
                break;
            case ConnectedInput connected:
                OnConnected(connected);
                break;
            case InboundInput inbound:
                OnInbound(inbound.Socket);
                break;
            case DesiredInput desired:
                _rib.SetDesired(desired.Announcements);
                var initial = _awaitingRoutes;
                _awaitingRoutes = false;
                if (_fsm.State == BgpState.Established && initial)
                {
                    SendInitialTable();
                }
                else if (_fsm.State == BgpState.Established)
                {
                    SendChanges();
                }

                break;
            case WaitInput wait:
                _waiters.Add((wait.Condition, wait.Done));
                break;
            case StopInput stop:
                await StopCoreAsync().ConfigureAwait(false);
                stop.Done.TrySetResult();
                break;
            default:
                break; // input from a connection that is no longer ours
        }
    }

    private void OnReceived(BgpDecodeResult result)
    {
        if (result.Error is { } error && result.IsSessionReset)
        {
            _lastError = error.ToString();
            var kind = error.Code switch
            {
                BgpErrorCode.MessageHeader => BgpEventKind.BgpHeaderErr,
                BgpErrorCode.OpenMessage => BgpEventKind.BgpOpenMsgErr,
                _ => BgpEventKind.UpdateMsgErr,
            };

            // Before Established an UPDATE error is still answered with its NOTIFICATION, through the header-error path.
            _fsm.Handle(new BgpEvent(kind == BgpEventKind.UpdateMsgErr && _fsm.State != BgpState.Established ? BgpEventKind.BgpHeaderErr : kind, error));
            return;
        }

        if (result.Error is { } soft)
        {
            // RFC 7606: treat-as-withdraw and attribute discard are logged, the session stays up.
            LogRevisedErrorHandling(_logger, Settings.PeerAddress, result.Action, soft.Subcode);
        }

        var message = result.Message!;
        var kindFor = message switch
        {
            OpenMessage => BgpEventKind.BgpOpen,
            KeepaliveMessage => BgpEventKind.KeepAliveMsg,
            UpdateMessage => BgpEventKind.UpdateMsg,
            RouteRefreshMessage => BgpEventKind.RouteRefreshMsg,
            NotificationMessage { Code: BgpErrorCode.OpenMessage, Subcode: BgpErrorSubcode.UnsupportedVersionNumber } => BgpEventKind.NotifMsgVerErr,
            _ => BgpEventKind.NotifMsg,
        };
        if (message is NotificationMessage notification)
        {
            _lastError = "received " + notification;
            LogNotificationReceived(_logger, Settings.PeerAddress, notification.Code, notification.Subcode);
        }

        _fsm.Handle(new BgpEvent(kindFor, message));
    }

    /// <summary>The initial table transfer, then End-of-RIB for every family so the peer knows it has everything (RFC 4724 §2).</summary>
    private void SendInitialTable()
    {
        SendChanges();
        foreach (var family in _session!.Families)
        {
            _connection!.Send(UpdatePacker.EndOfRib(family));
        }

        // Restarted and resynchronised: later OPENs are ordinary ones.
        _fsm.RestartState = false;
    }

    private void SendChanges()
    {
        var changes = _rib.TakeChanges(_sendFamilies);
        if (changes.IsEmpty)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        _updatesSent += UpdatePacker.Write(buffer, changes, _context!);
        _connection!.Send(buffer.WrittenMemory);
        Observer?.Announced(Settings, changes.Started ?? [], [.. changes.Withdraw.Values.SelectMany(w => w)]);
    }

    private async Task StopCoreAsync()
    {
        _stopped = true;
        if (_fsm.State == BgpState.Established)
        {
            _rib.Clear();
            SendChanges();
        }

        _fsm.Handle(new BgpEvent(BgpEventKind.ManualStop));
        if (_pending is { } pending)
        {
            _closing.Add(pending.CloseAsync(TimeSpan.Zero));
        }

        await Task.WhenAll(_closing).ConfigureAwait(false);
        _inbox.Writer.TryComplete();
        _connectAttempt?.Cancel();
    }

    private void Publish()
    {
        _closing.RemoveAll(t => t.IsCompleted);
        _status = new BgpPeerStatus(Settings.PeerAddress, _fsm.State, _establishedCount, _rib.AdvertisedCount, _updatesSent, _updatesReceived, _establishedAt, _lastError, Settings.BindDevice, _rib.DesiredCount, Settings.PeerPort);
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Condition(_status))
            {
                _waiters[i].Done.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    private abstract record Input;

    private sealed record FsmInput(BgpEvent Event, BgpConnection? Connection) : Input;

    private sealed record ReceivedInput(BgpConnection Connection, BgpDecodeResult Result) : Input;

    private sealed record ClosedInput(BgpConnection Connection) : Input;

    private sealed record ConnectedInput(int Attempt, Socket? Socket) : Input;

    private sealed record InboundInput(Socket Socket) : Input;

    private sealed record DesiredInput(IReadOnlyCollection<Announcement> Announcements) : Input;

    private sealed record WaitInput(Func<BgpPeerStatus, bool> Condition, TaskCompletionSource Done) : Input;

    private sealed record StopInput(TaskCompletionSource Done) : Input;
}
