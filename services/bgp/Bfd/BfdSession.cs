namespace IronLb.Bgp.Bfd;

/// <summary>A BFDProfile's timers: what we send at, what we can receive at, and the detection multiplier.</summary>
internal sealed record BfdSettings
{
    /// <summary>Desired minimum transmit interval once Up. Default: 300 ms (MetalLB's default).</summary>
    public TimeSpan DesiredMinTx { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Required minimum receive interval. Default: 300 ms.</summary>
    public TimeSpan RequiredMinRx { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Detection multiplier. Default: 3.</summary>
    public byte DetectMultiplier { get; init; } = 3;

    /// <summary>
    /// Required Min Echo RX Interval: how fast the peer may send echo packets for this node to loop back (its kernel
    /// forwards them, so it needs net.ipv4.ip_forward=1, as Kubernetes nodes have); zero refuses echo. Default: zero.
    /// </summary>
    public TimeSpan RequiredMinEchoRx { get; init; }

    /// <summary>How often to send our own echo packets (BFDProfile echoMode and echoInterval); zero turns the echo function off. Default: zero.</summary>
    public TimeSpan EchoTransmitInterval { get; init; }

    /// <summary>Send nothing until the peer's first packet arrives (BFDProfile passiveMode, RFC 5880 §6.1). Default: false.</summary>
    public bool Passive { get; init; }

    /// <summary>Lowest TTL accepted on a multi-hop session (BFDProfile minimumTtl, RFC 5883 §2). Default: 254, one hop away.</summary>
    public byte MinimumTtl { get; init; } = 254;
}

/// <summary>
/// One asynchronous-mode BFD session (RFC 5880 §6.8): the state machine, the periodic transmission and the detection
/// timer, and the echo function beside them (BfdSession.Echo.cs). Not thread-safe: packets and timer expiries are fed
/// from one loop, like the BGP FSM.
/// </summary>
internal sealed partial class BfdSession : IDisposable
{
    /// <summary>RFC 5880 §6.8.3: while not Up, transmit no faster than once a second.</summary>
    private static readonly TimeSpan SlowTx = TimeSpan.FromSeconds(1);

    private readonly BfdSettings _settings;
    private readonly TimeProvider _time;
    private readonly Action<BfdPacket> _send;
    private readonly Action<Action> _post;
    private readonly Random _random;
    private readonly ITimer _txTimer;
    private readonly ITimer _detectTimer;
    private DateTimeOffset _detectDeadline = DateTimeOffset.MaxValue;
    private uint _remoteDiscriminator;
    private TimeSpan _remoteDesiredMinTx = TimeSpan.FromSeconds(1);
    private TimeSpan _remoteRequiredMinRx = TimeSpan.FromMicroseconds(1);
    private byte _remoteMultiplier = 1;
    private bool _polling;
    private bool _answerPoll;
    private bool _heard;
    private bool _transmitting;

    // send transmits one packet; post runs an action on the owner's loop, so timers change state only on that loop;
    // sendEcho, when there is an echo link, sends one echo packet with the given sequence number.
    public BfdSession(BfdSettings settings, uint localDiscriminator, TimeProvider time, Action<BfdPacket> send, Action<Action> post, Random? random = null, Action<ulong>? sendEcho = null)
    {
        _settings = settings;
        _time = time;
        _send = send;
        _post = post;
        _random = random ?? Random.Shared;
        LocalDiscriminator = localDiscriminator;
        _txTimer = time.CreateTimer(_ => _post(Transmit), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _detectTimer = time.CreateTimer(_ => _post(DetectionExpired), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _sendEcho = sendEcho;
        _echoTxTimer = time.CreateTimer(_ => _post(TransmitEcho), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _echoDetectTimer = time.CreateTimer(_ => _post(EchoDetectionExpired), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public uint LocalDiscriminator { get; }

    public BfdState State { get; private set; } = BfdState.Down;

    public BfdDiagnostic LocalDiagnostic { get; private set; }

    /// <summary>Raised on the owner's loop on every state change.</summary>
    public event Action<BfdState, BfdState>? StateChanged;

    /// <summary>The interval packets are sent at now (before jitter).</summary>
    public TimeSpan TransmitInterval => Max(State == BfdState.Up && !_polling ? _settings.DesiredMinTx : Max(_settings.DesiredMinTx, SlowTx), _remoteRequiredMinRx);

    /// <summary>How long without a packet before the session is declared down (RFC 5880 §6.8.4).</summary>
    public TimeSpan DetectionTime => _remoteMultiplier * Max(_settings.RequiredMinRx, _remoteDesiredMinTx);

    /// <summary>Begins periodic transmission; a passive session waits for the peer's first packet instead.</summary>
    public void Start() => Transmit();

    /// <summary>Tells the peer we are stopping on purpose (RFC 5880 §6.8.16), so it does not take it for a failure.</summary>
    public void AdminDown()
    {
        _txTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _detectTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var previous = State;
        State = BfdState.AdminDown;
        LocalDiagnostic = BfdDiagnostic.AdministrativelyDown;
        UpdateEcho();
        Transmit();
        _txTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        StateChanged?.Invoke(previous, State);
    }

    public void Receive(BfdPacket packet)
    {
        if (State == BfdState.AdminDown || (packet.YourDiscriminator != 0 && packet.YourDiscriminator != LocalDiscriminator))
        {
            return;
        }

        _heard = true;
        _remoteDiscriminator = packet.MyDiscriminator;
        _remoteDesiredMinTx = TimeSpan.FromMicroseconds(packet.DesiredMinTxMicroseconds);
        _remoteRequiredMinRx = TimeSpan.FromMicroseconds(Math.Max(1, packet.RequiredMinRxMicroseconds));
        _remoteMultiplier = packet.DetectMultiplier;
        _remoteRequiredMinEchoRx = TimeSpan.FromMicroseconds(packet.RequiredMinEchoRxMicroseconds);
        if (packet.Final && _polling)
        {
            _polling = false; // the peer acknowledged our new (faster) timers
        }

        // §6.8.6: the state machine proper.
        switch (packet.State, State)
        {
            case (BfdState.AdminDown, not BfdState.Down):
                ChangeState(BfdState.Down, BfdDiagnostic.NeighborSignaledSessionDown);
                break;
            case (BfdState.AdminDown, _):
                break;
            case (BfdState.Down, BfdState.Down):
                ChangeState(BfdState.Init, BfdDiagnostic.None);
                break;
            case (BfdState.Init, BfdState.Down):
            case (BfdState.Init or BfdState.Up, BfdState.Init):
                _polling = _settings.DesiredMinTx < SlowTx; // §6.8.3: speeding up needs a Poll Sequence
                ChangeState(BfdState.Up, BfdDiagnostic.None);
                break;
            case (BfdState.Down, BfdState.Up):
                ChangeState(BfdState.Down, BfdDiagnostic.NeighborSignaledSessionDown);
                break;
        }

        if (State != BfdState.Down)
        {
            ArmDetection();
        }

        if (packet.Poll)
        {
            // §6.8.7: a Poll is answered at once with the Final bit.
            _answerPoll = true;
            Transmit();
        }

        if (!_transmitting)
        {
            Transmit(); // a passive session starts on the peer's first packet, even one that changed no state
        }

        UpdateEcho(); // the peer may have started or stopped looping echo packets
    }

    public void Dispose()
    {
        _txTimer.Dispose();
        _detectTimer.Dispose();
        _echoTxTimer.Dispose();
        _echoDetectTimer.Dispose();
    }

    private void Transmit()
    {
        // RFC 5880 §6.1: the passive role sends nothing until it has heard from the peer.
        if (_settings.Passive && !_heard)
        {
            _txTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _transmitting = false;
            return;
        }

        _transmitting = true;
        _send(new BfdPacket(LocalDiagnostic, State, _polling && !_answerPoll, _answerPoll, _settings.DetectMultiplier, LocalDiscriminator,
            State == BfdState.Down && _remoteDiscriminator == 0 ? 0 : _remoteDiscriminator,
            // Once Up the packets carry the fast interval (with P until the peer's F); the rate follows after the F.
            (uint)(State == BfdState.Up ? _settings.DesiredMinTx : Max(_settings.DesiredMinTx, SlowTx)).TotalMicroseconds,
            (uint)_settings.RequiredMinRx.TotalMicroseconds, (uint)_settings.RequiredMinEchoRx.TotalMicroseconds));
        _answerPoll = false;

        // §6.8.7: jitter to 75–100% of the interval (75–90% with a multiplier of 1) so sessions do not synchronise.
        var ceiling = _settings.DetectMultiplier == 1 ? 0.9 : 1.0;
        var interval = TransmitInterval * (0.75 + ((ceiling - 0.75) * _random.NextDouble()));
        _txTimer.Change(interval, Timeout.InfiniteTimeSpan);
    }

    private void ArmDetection()
    {
        _detectDeadline = _time.GetUtcNow() + DetectionTime;
        _detectTimer.Change(DetectionTime, Timeout.InfiniteTimeSpan);
    }

    private void DetectionExpired()
    {
        if (State is BfdState.Down or BfdState.AdminDown)
        {
            return;
        }

        // An expiry queued before a packet re-armed the timer is stale: the deadline says so. The timer runs on a
        // monotonic clock and the deadline on the wall clock, so an expiry can also arrive a little early: re-arm
        // for what is left, or detection would never fire again.
        var now = _time.GetUtcNow();
        if (now < _detectDeadline)
        {
            _detectTimer.Change(_detectDeadline - now, Timeout.InfiniteTimeSpan);
            return;
        }

        _remoteDiscriminator = 0;
        _heard = false; // a passive session falls silent again until the peer speaks
        ChangeState(BfdState.Down, BfdDiagnostic.ControlDetectionTimeExpired);
    }

    private void ChangeState(BfdState next, BfdDiagnostic diagnostic)
    {
        var previous = State;
        State = next;
        LocalDiagnostic = diagnostic;
        if (next == BfdState.Down)
        {
            _polling = false;
            _remoteDesiredMinTx = TimeSpan.FromSeconds(1);
        }

        // Tell the peer at once rather than at the next (up to one second away) periodic packet.
        Transmit();
        UpdateEcho();
        StateChanged?.Invoke(previous, next);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
