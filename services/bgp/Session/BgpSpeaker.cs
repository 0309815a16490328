using System.Net;
using System.Net.Sockets;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Transport;

namespace IronLb.Bgp.Session;

/// <summary>
/// One session's identity: the peer's address and the device (VRF) it is reached through. Two BGPPeers may name one
/// address in two VRFs, as MetalLB allows; they are two sessions.
/// </summary>
internal readonly record struct PeerKey(IPAddress Address, string? Device)
{
    public static PeerKey Of(BgpPeerSettings settings) => new(Normalize(settings.PeerAddress), string.IsNullOrEmpty(settings.BindDevice) ? null : settings.BindDevice);

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public override string ToString() => Device is null ? Address.ToString() : $"{Address}%{Device}";
}

/// <summary>A route to announce and the peers (by BGPPeer name) it goes to; no names means every peer.</summary>
internal sealed record PeerAnnouncement(Announcement Announcement, IReadOnlyCollection<string> Peers);

/// <summary>Where the speaker listens for peers that connect to it.</summary>
internal sealed record BgpSpeakerSettings
{
    /// <summary>Listening endpoint; port 0 picks a free one, null turns listening off. Default: [::]:179 (dual stack).</summary>
    public IPEndPoint? ListenEndpoint { get; init; } = new(IPAddress.IPv6Any, 179);

    /// <summary>
    /// When the previous speaker process on this node was last alive, if it ended without a clean stop; sessions to
    /// graceful-restart peers within their restart time then open as a restarting speaker. Default: null.
    /// </summary>
    public DateTimeOffset? PreviousUncleanExit { get; init; }

    /// <summary>Told of every session's state and announcement changes (the public event stream). Default: null.</summary>
    public IBgpSessionObserver? Observer { get; init; }
}

/// <summary>
/// This node's BGP speaker: one session per configured peer, a shared listener, and the announcements every
/// session keeps its peer's RIB equal to. The host calls <see cref="SetPeersAsync"/> and <see cref="SetAnnouncements"/>
/// whenever configuration or intents change, and <see cref="StopAsync"/> on SIGTERM.
/// </summary>
internal sealed partial class BgpSpeaker : IAsyncDisposable
{
    private readonly BgpSpeakerSettings _settings;
    private readonly IBgpSocketFactory _sockets;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<PeerKey, BgpPeerSession> _peers = [];
    private IReadOnlyCollection<PeerAnnouncement> _announcements = [];
    private readonly Dictionary<PeerKey, Bfd.BfdPeer> _bfdPeers = [];
    private readonly Dictionary<PeerKey, string> _conflicts = [];
    private BgpListener? _listener;
    private Bfd.BfdEndpoint? _bfd;
    private bool _announcementsKnown;

    public BgpSpeaker(BgpSpeakerSettings settings, IBgpSocketFactory? sockets, TimeProvider time, ILoggerFactory loggers)
    {
        _settings = settings;
        _sockets = sockets ?? DefaultSocketFactory.Instance;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<BgpSpeaker>();
    }

    public IPEndPoint? ListenEndpoint => _listener?.LocalEndPoint;

    public void Start()
    {
        if (_settings.ListenEndpoint is { } endpoint)
        {
            _listener = new BgpListener(_sockets, endpoint, OnAccepted, _logger);
            _listener.Start();
        }
    }

    /// <summary>
    /// Adds, keeps or removes sessions so that they match <paramref name="peers"/>; a changed peer is restarted. Peers
    /// are told apart by address and device (VRF); of two with the same both, the first is kept.
    /// </summary>
    public async Task SetPeersAsync(IEnumerable<BgpPeerSettings> peers, CancellationToken cancellationToken)
    {
        var stopping = new List<BgpPeerSession>();
        var stoppingBfd = new List<Bfd.BfdPeer>();
        lock (_gate)
        {
            var wanted = new Dictionary<PeerKey, BgpPeerSettings>();
            foreach (var peer in peers)
            {
                wanted.TryAdd(PeerKey.Of(peer), peer);
            }

            foreach (var (key, session) in _peers.ToList())
            {
                if (!wanted.TryGetValue(key, out var settings) || settings != session.Settings)
                {
                    _peers.Remove(key);
                    _conflicts.Remove(key);
                    stopping.Add(session);
                    if (_bfdPeers.Remove(key, out var bfdPeer))
                    {
                        stoppingBfd.Add(bfdPeer);
                    }

                    if (!string.IsNullOrEmpty(session.Settings.Password) && key.Device is null)
                    {
                        _listener?.RemovePassword(key.Address);
                    }
                }
            }

            foreach (var (key, settings) in wanted)
            {
                var address = key.Address;
                if (_peers.ContainsKey(key))
                {
                    continue;
                }

                var restarting = GracefulRestart.RestartMarker.IsRestarting(settings, _settings.PreviousUncleanExit, _time.GetUtcNow());
                var session = new BgpPeerSession(settings, _sockets, _time, _loggers.CreateLogger<BgpPeerSession>(), restarting) { Observer = _settings.Observer };
                // The listener is in the default VRF: only sessions there take its connections and need its keys.
                if (!string.IsNullOrEmpty(settings.Password) && key.Device is null)
                {
                    _listener?.SetPassword(settings.PeerAddress, settings.Password);
                }

                _peers[key] = session;

                // A restarting session must not send End-of-RIB before it knows the routes: the peer would drop the
                // stale ones we are about to re-send. It gets them with the first SetAnnouncements.
                if (!restarting || _announcementsKnown)
                {
                    Offer(session, _announcements);
                }

                session.Start();
                // BFD's sockets live in the default VRF; a VRF peer's settings never carry BFD (NodePeers says why).
                if (settings.Bfd is { } bfd && key.Device is null)
                {
                    // An ebgpMultiHop peer is not on our link: multi-hop BFD (RFC 5883), as MetalLB's FRR would run it.
                    _bfd ??= new Bfd.BfdEndpoint(_sockets, _time, _logger);
                    _bfdPeers[key] = _bfd.Add(address, settings.SourceAddress, multihop: settings.EbgpMultihopTtl is not null, bfd, (from, to) =>
                    {
                        if ((from == Bfd.BfdState.Up) != (to == Bfd.BfdState.Up))
                        {
                            _settings.Observer?.BfdChanged(settings, to == Bfd.BfdState.Up, to == Bfd.BfdState.Up ? "up" : to.ToString().ToLowerInvariant());
                        }

                        if (from == Bfd.BfdState.Up && to == Bfd.BfdState.Down)
                        {
                            LogBfdDown(_logger, address);
                            session.OnBfdDown();
                        }
                    });
                }
            }
        }

        foreach (var bfdPeer in stoppingBfd)
        {
            await _bfd!.RemoveAsync(bfdPeer).ConfigureAwait(false);
        }

        foreach (var session in stopping)
        {
            await session.StopAsync(cancellationToken).ConfigureAwait(false);
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Replaces the routes to announce; each session sends only the difference.</summary>
    public void SetAnnouncements(IReadOnlyCollection<PeerAnnouncement> announcements)
    {
        lock (_gate)
        {
            _announcements = announcements;
            _announcementsKnown = true;
            foreach (var session in _peers.Values)
            {
                Offer(session, announcements);
            }
        }
    }

    public IReadOnlyList<BgpPeerStatus> Status()
    {
        lock (_gate)
        {
            return _peers.Values.Select(p => p.Status).ToList();
        }
    }

    /// <summary>The BFD state towards a peer, or null when BFD is not configured for it.</summary>
    public Bfd.BfdState? BfdState(IPAddress address, string? device = null) => BfdPeer(address, device)?.State;

    /// <summary>The BFD session towards a peer, or null when BFD is not configured for it.</summary>
    public Bfd.BfdPeer? BfdPeer(IPAddress address, string? device = null)
    {
        lock (_gate)
        {
            return _bfdPeers.GetValueOrDefault(new PeerKey(PeerKey.Normalize(address), device));
        }
    }

    /// <summary>The session for a peer address (in the default VRF unless <paramref name="device"/> names one), for waiting on it.</summary>
    public BgpPeerSession? Peer(IPAddress address, string? device = null)
    {
        lock (_gate)
        {
            return _peers.GetValueOrDefault(new PeerKey(PeerKey.Normalize(address), device));
        }
    }

    /// <summary>Withdraws everything and closes every session with a Cease NOTIFICATION.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<BgpPeerSession> sessions;
        lock (_gate)
        {
            sessions = [.. _peers.Values];
        }

        if (_listener is { } listener)
        {
            _listener = null;
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(sessions.Select(s => s.StopAsync(cancellationToken))).ConfigureAwait(false);
        if (_bfd is { } bfd)
        {
            _bfd = null;
            _bfdPeers.Clear();
            await bfd.DisposeAsync().ConfigureAwait(false);
        }
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

        List<BgpPeerSession> sessions;
        lock (_gate)
        {
            sessions = [.. _peers.Values];
            _peers.Clear();
        }

        foreach (var session in sessions)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 4120, Level = LogLevel.Warning, Message = "BFD to {Peer} went down: taking the BGP session down")]
    private static partial void LogBfdDown(ILogger logger, IPAddress peer);

    /// <summary>Why some peers keep their previous routes: prefixes whose advertisements disagree on LOCAL_PREF.</summary>
    public IReadOnlyList<string> AnnouncementProblems()
    {
        lock (_gate)
        {
            return [.. _conflicts.Values];
        }
    }

    /// <summary>
    /// Hands a session its routes, one per prefix with the advertisements' communities united. When two of them give
    /// one prefix different LOCAL_PREFs the session keeps the routes it had, as MetalLB's speaker refuses such an
    /// update, and the conflict is reported.
    /// </summary>
    private void Offer(BgpPeerSession session, IReadOnlyCollection<PeerAnnouncement> announcements)
    {
        var name = session.Settings.Name;
        var routes = AnnouncementMerge.Merge(
            announcements.Where(a => a.Peers.Count == 0 || a.Peers.Contains(name)).Select(a => a.Announcement),
            out var conflicts);
        var key = PeerKey.Of(session.Settings);
        if (conflicts.Count > 0)
        {
            var text = string.Join(", ", conflicts.Select(c => c.ToString()));
            _conflicts[key] = $"BGPPeer/{name} ({session.Settings.PeerAddress}): kept its previous routes: BGPAdvertisements give {text} different localPref values";
            LogLocalPrefConflict(_logger, name, text);
            return;
        }

        _conflicts.Remove(key);
        session.SetAnnouncements(routes);
    }

    [LoggerMessage(EventId = 4121, Level = LogLevel.Warning, Message = "BGPPeer {Peer}: advertisements give {Prefixes} different localPref values; the peer keeps its previous routes")]
    private static partial void LogLocalPrefConflict(ILogger logger, string peer, string prefixes);

    private bool OnAccepted(Socket socket)
    {
        // The listener is not bound to a device, so it hears the default VRF only; a session in a VRF connects out of it.
        var remote = PeerKey.Normalize(((IPEndPoint)socket.RemoteEndPoint!).Address);
        BgpPeerSession? session;
        lock (_gate)
        {
            session = _peers.GetValueOrDefault(new PeerKey(remote, null));
        }

        if (session is null)
        {
            return false;
        }

        session.Accept(socket);
        return true;
    }
}
