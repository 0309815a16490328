using System.Net;
using IronLb.Core.Failover;
using IronLb.Layer2.Announcing;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Layer2.Handoff;

/// <summary>
/// Runs the LAN hand-over for the layer2 agent: beacons on a timer, the beacons other nodes send, and the store's
/// heartbeat acknowledgements go through <see cref="HandoffArbiter"/>, whose verdict becomes what the announcer
/// answers for and how long its <see cref="AnswerGate"/> stays open.
/// </summary>
/// <remarks>
/// Stopping is applied at once, under the arbiter's lock, so no beacon can say "released" before the announcer stopped.
/// Starting (a gratuitous announcement, ports, the first run of code the JIT has not seen) can take long, and is applied
/// after the lock is released, so it never delays a beacon: a late beacon reads as a stall and silences the node.
/// Applications carry a version, and an older one never overwrites a newer one.
/// </remarks>
internal sealed partial class LanHandoff : IHostedService, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Lock _applyLock = new();
    private readonly Layer2Announcer _announcer;
    private readonly AnswerGate _gate;
    private readonly FailoverOptions _timing;
    private readonly string _node;
    private readonly ILogger<LanHandoff> _logger;
    private readonly HandoffArbiter _arbiter;
    private readonly ITimer _timer;
    private Dictionary<IPAddress, OwnedAddress> _owned = [];
    private TimeSpan _nextBeacon;
    private long _sequence;
    private long _version;
    private long _appliedVersion;
    private bool _left;

    public LanHandoff(
        Layer2Announcer announcer,
        AnswerGate gate,
        IOptions<FailoverOptions> timing,
        IOptions<NodeOptions> node,
        ILogger<LanHandoff> logger,
        TimeProvider time,
        IHostApplicationLifetime? lifetime = null)
    {
        _announcer = announcer;
        _gate = gate;
        _timing = timing.Value;
        _node = node.Value.Name;
        _logger = logger;
        _gate.OpenUntil(TimeSpan.MinValue);
        _arbiter = new HandoffArbiter(_node, _timing, _gate.Now);
        _timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        announcer.BeaconHeard = OnBeaconHeard;

        // A clean stop releases on the LAN first thing, before the web server and the other services wind down, so
        // the successor takes over within a beacon's flight rather than after the whole shutdown.
        lifetime?.ApplicationStopping.Register(Leave);
    }

    /// <summary>Each owned address and where this node stands with it; for status.</summary>
    public IReadOnlyDictionary<IPAddress, HandoffState> States
    {
        get
        {
            lock (_lock)
            {
                return _arbiter.States;
            }
        }
    }

    /// <summary>Addresses answered for because this node took them over as successor, not yet confirmed by election.</summary>
    public IReadOnlyList<string> TakenOver
    {
        get
        {
            lock (_lock)
            {
                return [.. _arbiter.TakenOver.Select(a => a.ToString())];
            }
        }
    }

    /// <summary>The clock heartbeats are timed on, so their acknowledgements compare with the fence.</summary>
    public TimeSpan Now => _gate.Now;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered after the announcer, so its capture ports are open now: the listening starts here.
        lock (_lock)
        {
            _arbiter.StartedListening(_gate.Now);
            _nextBeacon = _gate.Now;
        }

        _timer.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Leave();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>The addresses election gave this node, with their epochs, and those it is successor for (<paramref name="standby"/>).</summary>
    public void SetOwnership(IReadOnlyCollection<OwnedAddress> owned, IReadOnlyCollection<StandbyAddress>? standby = null)
    {
        ArgumentNullException.ThrowIfNull(owned);
        Pending? pending;
        lock (_lock)
        {
            if (_left)
            {
                return;
            }

            _owned = owned.ToDictionary(o => o.Address);
            foreach (var s in standby ?? [])
            {
                _owned.TryAdd(s.Address, new OwnedAddress(s.Address, s.AllowedInterfaces, s.OwnerEpoch + 1));
            }

            var change = _arbiter.SetOwned(owned.Select(o => (o.Address, o.Epoch)), _gate.Now, (standby ?? []).Select(s => (s.Address, s.Owner, s.OwnerEpoch)));

            // Interfaces or epochs of addresses already answered may have changed too: always apply.
            pending = Decide(change, force: true);
        }

        ApplyLater(pending);
    }

    /// <summary>The store acknowledged a heartbeat this node sent at <paramref name="sentAt"/> (on <see cref="AnswerGate.Now"/>'s clock).</summary>
    public void StoreAcknowledged(TimeSpan sentAt)
    {
        Pending? pending;
        lock (_lock)
        {
            pending = Decide(_arbiter.StoreAcknowledged(sentAt, _gate.Now));
        }

        ApplyLater(pending);
    }

    /// <summary>A clean exit: stops answering first, then tells the LAN that every address is released, so a successor starts at once.</summary>
    public void Leave()
    {
        lock (_lock)
        {
            if (_left)
            {
                return;
            }

            _left = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _gate.Close();
            ApplyNow(new Pending(++_version, []));
            var released = _owned.Values.Select(o => new BeaconEntry(o.Address, o.Epoch, BeaconEntryKind.Released)).ToList();
            _announcer.SendBeacon(new Beacon(_node, ++_sequence, Leaving: true, released));
            LogLeft(_logger, released.Count);
        }
    }

    private void OnBeaconHeard(Beacon beacon)
    {
        Pending? pending;
        lock (_lock)
        {
            if (_left)
            {
                return;
            }

            pending = Decide(_arbiter.Heard(beacon, _gate.Now));
        }

        ApplyLater(pending);
    }

    private void OnTimer()
    {
        Pending? pending = null;
        try
        {
            lock (_lock)
            {
                if (_left)
                {
                    return;
                }

                var now = _gate.Now;
                if (now >= _nextBeacon)
                {
                    if (now - _nextBeacon > _timing.BeaconInterval)
                    {
                        LogBeaconLate(_logger, (now - _nextBeacon).TotalMilliseconds);
                    }

                    var (beacon, change) = _arbiter.NextBeacon(++_sequence, now);
                    pending = Decide(change);
                    _announcer.SendBeacon(beacon);
                    _nextBeacon = now + _timing.BeaconInterval;
                }

                pending = Decide(_arbiter.Evaluate(now)) ?? pending;
                var next = _arbiter.NextDecision(now) is { } decision && decision < _nextBeacon ? decision : _nextBeacon;
                _timer.Change(next - now < TimeSpan.Zero ? TimeSpan.Zero : next - now, Timeout.InfiniteTimeSpan);
            }

            ApplyLater(pending);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The beacon must keep going; a failure here is logged and the next tick tries again.
            LogTimerFailed(_logger, ex);
            _timer.Change(_timing.BeaconInterval, Timeout.InfiniteTimeSpan);
        }
    }

    // Under the arbiter's lock: stops are applied before anything else can happen (the gate then reopens for what is
    // left); a start, or a forced refresh, comes back to be applied once the lock is released.
    private Pending? Decide(HandoffChange change, bool force = false)
    {
        foreach (var address in change.Stopped)
        {
            LogStopped(_logger, address);
        }

        foreach (var address in change.Started)
        {
            LogStarted(_logger, address);
        }

        Pending? later = null;
        if (change.Stopped.Count > 0)
        {
            ApplyNow(new Pending(++_version, Answering()));
        }

        _gate.OpenUntil(_arbiter.AnswerUntil);
        if (change.Started.Count > 0 || force)
        {
            later = new Pending(++_version, Answering());
        }

        return later;
    }

    private void ApplyLater(Pending? pending)
    {
        if (pending is not null)
        {
            ApplyNow(pending);
        }
    }

    private void ApplyNow(Pending pending)
    {
        lock (_applyLock)
        {
            if (pending.Version <= _appliedVersion)
            {
                return;
            }

            var started = _gate.Now;
            _announcer.ApplyOwnership(pending.Answering);
            _appliedVersion = pending.Version;
            LogApplied(_logger, pending.Answering.Count, (_gate.Now - started).TotalMilliseconds);
        }
    }

    // Addresses taken over as successor answer with the owner's interfaces, one epoch above the owner's.
    private List<OwnedAddress> Answering() =>
        [.. _arbiter.Answering.Select(a => _owned.TryGetValue(a, out var owned) ? owned : null).OfType<OwnedAddress>()];

    private sealed record Pending(long Version, IReadOnlyCollection<OwnedAddress> Answering);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Hand-over: answering for {Address}")]
    private static partial void LogStarted(ILogger logger, IPAddress address);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Information, Message = "Hand-over: stopped answering for {Address}")]
    private static partial void LogStopped(ILogger logger, IPAddress address);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Information, Message = "Hand-over: left the LAN, released {Count} addresses")]
    private static partial void LogLeft(ILogger logger, int count);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Error, Message = "Hand-over timer failed")]
    private static partial void LogTimerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5305, Level = LogLevel.Warning, Message = "Hand-over: beacon {LateMs} ms late")]
    private static partial void LogBeaconLate(ILogger logger, double lateMs);

    [LoggerMessage(EventId = 5306, Level = LogLevel.Debug, Message = "Hand-over: announcer now answers for {Count} addresses (applied in {Ms} ms)")]
    private static partial void LogApplied(ILogger logger, int count, double ms);
}

/// <summary>An address this node is successor for: it takes it over on the LAN if <paramref name="Owner"/> falls silent.</summary>
internal sealed record StandbyAddress(IPAddress Address, string Owner, long OwnerEpoch, IReadOnlyList<string> AllowedInterfaces);
