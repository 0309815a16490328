namespace IronLb.Bgp.Bfd;

/// <summary>
/// The echo function (RFC 5880 §6.4, §6.8.9): while the session is Up, we want echo and the peer advertises a nonzero
/// Required Min Echo RX Interval, echo packets go out at the slower of the two intervals and must keep coming back;
/// when none has come back for the detection multiplier times that interval, the session goes Down with diagnostic 2.
/// Control packets keep the profile's rate: as with FRR, slowing them is left to the profile's transmitInterval.
/// </summary>
internal sealed partial class BfdSession
{
    private readonly Action<ulong>? _sendEcho;
    private readonly ITimer _echoTxTimer;
    private readonly ITimer _echoDetectTimer;
    private TimeSpan _remoteRequiredMinEchoRx;
    private DateTimeOffset _echoDeadline = DateTimeOffset.MaxValue;
    private ulong _echoSequence;

    /// <summary>Whether echo packets are being sent and watched.</summary>
    public bool EchoActive { get; private set; }

    /// <summary>The interval echo packets are sent at (before jitter).</summary>
    public TimeSpan EchoInterval => Max(_settings.EchoTransmitInterval, _remoteRequiredMinEchoRx);

    /// <summary>How long without a returned echo packet before the session is declared down.</summary>
    public TimeSpan EchoDetectionTime => _settings.DetectMultiplier * EchoInterval;

    /// <summary>One of this session's echo packets came back from the peer.</summary>
    public void ReceiveEcho()
    {
        if (EchoActive)
        {
            ArmEchoDetection();
        }
    }

    private void UpdateEcho()
    {
        var wanted = State == BfdState.Up && _sendEcho is not null
            && _settings.EchoTransmitInterval > TimeSpan.Zero && _remoteRequiredMinEchoRx > TimeSpan.Zero;
        if (wanted == EchoActive)
        {
            return;
        }

        EchoActive = wanted;
        if (wanted)
        {
            ArmEchoDetection();
            TransmitEcho();
        }
        else
        {
            _echoTxTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _echoDetectTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void TransmitEcho()
    {
        if (!EchoActive)
        {
            return;
        }

        _sendEcho!(_echoSequence++);
        _echoTxTimer.Change(EchoInterval * (0.75 + (0.25 * _random.NextDouble())), Timeout.InfiniteTimeSpan);
    }

    private void ArmEchoDetection()
    {
        _echoDeadline = _time.GetUtcNow() + EchoDetectionTime;
        _echoDetectTimer.Change(EchoDetectionTime, Timeout.InfiniteTimeSpan);
    }

    private void EchoDetectionExpired()
    {
        if (!EchoActive)
        {
            return;
        }

        // Stale or early expiries re-arm for what is left, as for control detection.
        var now = _time.GetUtcNow();
        if (now < _echoDeadline)
        {
            _echoDetectTimer.Change(_echoDeadline - now, Timeout.InfiniteTimeSpan);
            return;
        }

        ChangeState(BfdState.Down, BfdDiagnostic.EchoFunctionFailed);
    }
}
