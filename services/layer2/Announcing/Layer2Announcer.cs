using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using IronLb.Layer2.Arp;
using IronLb.Layer2.Capture;
using IronLb.Layer2.Handoff;
using IronLb.Layer2.Ndp;
using Microsoft.Extensions.Options;

namespace IronLb.Layer2.Announcing;

/// <summary>Answers ARP and NDP for the addresses this node owns and announces them when gained; the Layer 2 half of
/// a MetalLB speaker. Ownership arrives through <see cref="ApplyOwnership"/>; everything else runs on its own.</summary>
internal sealed partial class Layer2Announcer : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly Layer2AnnouncerOptions _options;
    private readonly ILinkLayer _link;
    private readonly Layer2Metrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<Layer2Announcer> _logger;
    private readonly AnswerGate _answerGate;

    // _gate serialises every change (ownership, interfaces, ports, announcements). Capture threads never take it:
    // they read _view under the read side of _viewLock, which a change holds for writing only while swapping the
    // view, so once ApplyOwnership returns no reply for a lost address can still be on its way out.
    private readonly Lock _gate = new();
    private readonly ReaderWriterLockSlim _viewLock = new(LockRecursionPolicy.NoRecursion);
    private readonly OwnershipTable _ownership = new();
    private readonly AnnouncementSchedule _schedule;
    private readonly Dictionary<string, ILinkPort> _ports = new(StringComparer.Ordinal);
    private readonly ITimer _announceTimer;
    private IReadOnlyList<LinkInterface> _interfaces = [];
    private ResponderView _view = ResponderView.Empty;
    private (LinkInterface Link, ILinkPort Port)[] _sendPorts = [];
    private InterfaceExclusion _exclusion = InterfaceExclusion.Default;
    private ITimer? _refreshTimer;
    private bool _stopped;

    public Layer2Announcer(
        IOptions<Layer2AnnouncerOptions> options,
        ILinkLayer link,
        Layer2Metrics metrics,
        TimeProvider time,
        ILogger<Layer2Announcer> logger,
        AnswerGate? answerGate = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _options.Validate();
        _link = link;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _answerGate = answerGate ?? AnswerGate.AlwaysOpen(time);
        _schedule = new AnnouncementSchedule(_options.GratuitousCount, _options.GratuitousInterval);
        _announceTimer = time.CreateTimer(_ => OnAnnounceTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The current snapshot of what is answered where; for diagnostics and tests.</summary>
    public ResponderView View => Volatile.Read(ref _view);

    /// <summary>Called on a capture thread with every hand-over beacon another node sends; never under the announcer's locks.</summary>
    public Action<Beacon>? BeaconHeard { get; set; }

    /// <summary>Checks permissions, reads the interfaces and starts watching them for changes.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _link.EnsurePermitted();
        lock (_gate)
        {
            _stopped = false;

            // Ownership may have been applied before start (hosted services start one by one); its addresses are
            // announced now that the interfaces are known.
            ReconcileAndAnnounceNewBindings(_link.GetInterfaces());
        }

        _refreshTimer = _time.CreateTimer(_ => RefreshInterfaces(), null, _options.InterfaceRefreshInterval, _options.InterfaceRefreshInterval);
        LogStarted(_logger, _interfaces.Count(i => i.IsCandidate));
        return Task.CompletedTask;
    }

    /// <summary>Makes the owned set exactly <paramref name="addresses"/>: answers for them from now on, announces those
    /// gained, and has stopped answering for those lost by the time it returns. Stale epochs are ignored.</summary>
    public void ApplyOwnership(IReadOnlyCollection<OwnedAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        lock (_gate)
        {
            // After stop nothing is answered any more; a late update (say, a clean-exit "own nothing" from the
            // ownership loop racing the host's shutdown) is dropped rather than thrown back at the caller.
            if (_stopped)
            {
                if (addresses.Count > 0)
                {
                    LogIgnoredWhileStopped(_logger, addresses.Count);
                }

                return;
            }

            var change = _ownership.Apply(addresses);
            foreach (var stale in change.Stale)
            {
                LogStaleOwnership(_logger, stale.Address, stale.Epoch);
            }

            if (change.IsEmpty)
            {
                return;
            }

            foreach (var lost in change.Lost)
            {
                _schedule.Cancel(lost);
                LogLost(_logger, lost);
            }

            Reconcile();
            var now = _time.GetUtcNow();
            foreach (var gained in change.Gained)
            {
                LogGained(_logger, gained.Address, gained.Epoch, string.Join(',', _view.BindingsFor(gained.Address).Select(b => b.Interface.Name)));
                _schedule.Start(gained.Address, now);
            }

            AnnounceDue();
        }
    }

    /// <summary>Takes the interfaces never answered on without an L2Advertisement naming them (the metallb-excludel2
    /// list); addresses move off newly excluded interfaces at once.</summary>
    public void SetInterfaceExclusion(IReadOnlyList<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        lock (_gate)
        {
            if (_stopped || patterns.SequenceEqual(_exclusion.Patterns, StringComparer.Ordinal))
            {
                return;
            }

            _exclusion = new InterfaceExclusion(patterns);
            ReconcileAndAnnounceNewBindings(_interfaces);
        }
    }

    /// <summary>Stops answering for everything (a clean exit withdraws what this node announced) and closes the ports.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Shutdown();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Nothing here awaits, so the synchronous path is the real one; DI containers disposed synchronously work too.</summary>
    public void Dispose()
    {
        Shutdown();
        _announceTimer.Dispose();
        _viewLock.Dispose();
    }

    private void Shutdown()
    {
        _refreshTimer?.Dispose();
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            _ownership.Apply([]);
            _interfaces = [];
            Reconcile();
            _announceTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnFrame(ILinkPort port, ReadOnlySpan<byte> frame)
    {
        Span<byte> reply = stackalloc byte[Responder.MaxReplyLength];
        try
        {
            if (frame.Length >= EthernetHeader.Length && System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) == Beacon.EtherType)
            {
                OnBeacon(frame);
                return;
            }

            _viewLock.EnterReadLock();
            try
            {
                var outcome = Responder.Handle(_view, port.InterfaceName, frame, reply);
                switch (outcome.Verdict)
                {
                    case ResponderVerdict.Answered:
                        _metrics.RequestReceived(outcome.Address!);

                        // The fence, on the answering path itself: nothing between this check and the send can block.
                        if (!_answerGate.IsOpen)
                        {
                            LogFenced(_logger, outcome.Address!, port.InterfaceName);
                            break;
                        }

                        port.Send(reply[..outcome.ReplyLength]);
                        _metrics.ResponseSent(outcome.Address!);
                        LogAnswered(_logger, outcome.Address!, port.InterfaceName);
                        break;
                    case ResponderVerdict.Malformed:
                        _metrics.FrameDropped(outcome.MalformedReason!);
                        LogMalformed(_logger, port.InterfaceName, outcome.MalformedReason!, frame.Length);
                        break;
                    default:
                        break;
                }
            }
            finally
            {
                _viewLock.ExitReadLock();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The capture thread must outlive any one frame: a send error or a bug here is logged, never fatal.
            LogFrameFailed(_logger, port.InterfaceName, ex);
        }
    }

    private void OnBeacon(ReadOnlySpan<byte> frame)
    {
        if (BeaconHeard is not { } heard || !Beacon.TryParse(frame, out var source, out var beacon))
        {
            return;
        }

        // libpcap hands us our own transmissions too.
        if (_interfaces.Any(i => i.Mac == source))
        {
            return;
        }

        heard(beacon!);
    }

    /// <summary>Broadcasts <paramref name="beacon"/> on every interface this node captures on, from that interface's MAC.</summary>
    public void SendBeacon(Beacon beacon)
    {
        ArgumentNullException.ThrowIfNull(beacon);

        // Lock-free on purpose: an ownership change can hold the lock for a while (the first run of code, a gratuitous
        // announcement), and a late beacon makes the other nodes think this one stalled.
        foreach (var (link, port) in Volatile.Read(ref _sendPorts))
        {
            try
            {
                foreach (var frame in beacon.ToFrames(link.Mac))
                {
                    port.Send(frame);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A port closed under us by an interface change: the next beacon goes through the new one.
                LogSendFailed(_logger, link.Name, ex);
            }
        }
    }

    private void RefreshInterfaces()
    {
        try
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                var fresh = _link.GetInterfaces();
                // A port that failed to open, or whose capture broke (a link flap faster than a refresh), is retried here
                // even when nothing else changed.
                if (SameInterfaces(fresh, _interfaces) && ListenedInterfaces(_view).Keys.All(_ports.ContainsKey) && !_ports.Values.Any(p => p.IsBroken))
                {
                    return;
                }

                LogInterfacesChanged(_logger, string.Join(' ', fresh.Where(i => i.IsCandidate).Select(i => $"{i.Name}={i.Mac}")));
                ReconcileAndAnnounceNewBindings(fresh);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRefreshFailed(_logger, ex);
        }
    }

    /// <summary>Takes a new interface list. An address now reachable on a new interface, or from a new MAC, is announced
    /// there: neighbours still hold the old binding otherwise.</summary>
    private void ReconcileAndAnnounceNewBindings(IReadOnlyList<LinkInterface> interfaces)
    {
        _interfaces = interfaces;
        var before = _view;
        Reconcile();
        var now = _time.GetUtcNow();
        foreach (var binding in _view.Bindings.Values)
        {
            before.Bindings.TryGetValue(binding.Interface.Name, out var old);
            var sameLink = old is not null && old.Interface.Mac == binding.Interface.Mac && old.Interface.Index == binding.Interface.Index;
            foreach (var address in binding.Addresses.Where(a => !sameLink || !old!.Addresses.Contains(a)))
            {
                _schedule.Start(address, now);
            }
        }

        AnnounceDue();
    }

    /// <summary>Rebuilds the view from ownership and interfaces; opens ports before it is published and closes
    /// unneeded ones after, so no binding is ever published without a port or answered after it is withdrawn.</summary>
    private void Reconcile()
    {
        var view = ResponderView.Build(_ownership.Owned, _interfaces, _exclusion);
        var listened = ListenedInterfaces(view);
        foreach (var link in listened.Values)
        {
            if (_ports.TryGetValue(link.Name, out var existing) && existing.InterfaceIndex == link.Index && !existing.IsBroken)
            {
                continue;
            }

            // Same name, new index: the interface was deleted and recreated; the old handle is dead. Likewise a port
            // whose capture broke.
            existing?.Dispose();
            _ports.Remove(link.Name);
            try
            {
                _ports[link.Name] = _link.Open(link, OnFrame);
                LogPortOpened(_logger, link.Name, link.Mac.ToString());
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogPortFailed(_logger, link.Name, ex);
            }
        }

        _viewLock.EnterWriteLock();
        try
        {
            Volatile.Write(ref _view, view);
        }
        finally
        {
            _viewLock.ExitWriteLock();
        }

        foreach (var name in _ports.Keys.Where(n => !listened.ContainsKey(n)).ToList())
        {
            _ports.Remove(name, out var port);
            port!.Dispose();
            LogPortClosed(_logger, name);
        }

        Volatile.Write(ref _sendPorts, [.. _ports.Select(kv => (listened.GetValueOrDefault(kv.Key), kv.Value)).Where(p => p.Item1 is not null).Select(p => (p.Item1!, p.Value))]);
        foreach (var (name, port) in _ports)
        {
            try
            {
                port.SetMulticastGroups(view.Bindings.TryGetValue(name, out var binding) ? binding.SolicitedNodeGroups : FrozenSet<IPAddress>.Empty);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogJoinFailed(_logger, name, ex);
            }
        }
    }

    // The interfaces to capture on: where an owned address is bound, and every candidate when standing by warm.
    private Dictionary<string, LinkInterface> ListenedInterfaces(ResponderView view)
    {
        var listened = view.Bindings.Values.ToDictionary(b => b.Interface.Name, b => b.Interface, StringComparer.Ordinal);
        if (_options.ListenOnAllInterfaces && !_stopped)
        {
            foreach (var link in _interfaces.Where(i => i.IsCandidate))
            {
                listened.TryAdd(link.Name, link);
            }
        }

        return listened;
    }

    private void OnAnnounceTimer()
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                AnnounceDue();
            }
        }
    }

    private void AnnounceDue()
    {
        var now = _time.GetUtcNow();
        Span<byte> frame = stackalloc byte[Responder.MaxReplyLength];
        foreach (var address in _schedule.TakeDue(now))
        {
            foreach (var binding in _view.BindingsFor(address))
            {
                if (!_ports.TryGetValue(binding.Interface.Name, out var port))
                {
                    continue;
                }

                if (!_answerGate.IsOpen)
                {
                    LogFenced(_logger, address, binding.Interface.Name);
                    continue;
                }

                var mac = binding.Interface.Mac;
                var length = address.AddressFamily == AddressFamily.InterNetwork
                    ? ArpPacket.Gratuitous(address, mac).WriteFrame(Capture.MacAddress.Broadcast, mac, frame)
                    : NdpMessage.UnsolicitedAdvertisement(address, mac).WriteFrame(SolicitedNodeAddress.MulticastMac(SolicitedNodeAddress.AllNodes), mac, frame);
                try
                {
                    port.Send(frame[..length]);
                    _metrics.GratuitousSent(address);
                    LogGratuitousSent(_logger, address, binding.Interface.Name);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogSendFailed(_logger, binding.Interface.Name, ex);
                }
            }
        }

        var next = _schedule.NextDue;
        _announceTimer.Change(next is { } due ? Max(due - now, TimeSpan.Zero) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static bool SameInterfaces(IReadOnlyList<LinkInterface> a, IReadOnlyList<LinkInterface> b) =>
        a.Count == b.Count && a.Zip(b).All(p =>
            p.First.Name == p.Second.Name && p.First.Index == p.Second.Index && p.First.Mac == p.Second.Mac
            && p.First.IsUp == p.Second.IsUp && p.First.IsLoopback == p.Second.IsLoopback
            && p.First.Prefixes.SequenceEqual(p.Second.Prefixes));
}
