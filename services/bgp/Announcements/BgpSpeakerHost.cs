using System.Net;
using IronLb.Bgp.GracefulRestart;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;
using IronLb.Core.SharedConfiguration;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Bgp.Announcements;

/// <summary>Runs this node's BGP speaker: sessions follow the configuration's BGPPeers, routes follow the intents.</summary>
/// <remarks>Stopping it withdraws every route and closes each session with a Cease NOTIFICATION (architecture rule 6).</remarks>
internal sealed partial class BgpSpeakerHost(
    CurrentConfiguration current,
    IOptions<BgpOptions> options,
    IOptions<NodeOptions> node,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<BgpSpeakerHost> logger,
    IPeerPasswordSource? passwords = null,
    BgpEventEmitter? events = null) : IHostedService, IStatusContributor, IAsyncDisposable
{
    private readonly SemaphoreSlim _applying = new(1, 1);
    private readonly PeerPasswordResolver _passwords = new(passwords);
    private readonly CancellationTokenSource _stopping = new();
    private Task _refreshing = Task.CompletedTask;
    private BgpSpeaker? _speaker;
    private RestartMarker? _marker;
    private IReadOnlyList<string> _problems = [];

    public string Section => "bgpSessions";

    /// <summary>The running speaker, for metrics; null before start, or when no speaker runs.</summary>
    internal BgpSpeaker? Speaker => _speaker;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var port = options.Value.ListenPort;
        _marker = new RestartMarker(options.Value.StateDirectory, node.Value.Name, time, logger);
        if (_marker.PreviousUncleanExit is { } exit)
        {
            LogUncleanExit(logger, exit);
        }

        _speaker = new BgpSpeaker(
            new BgpSpeakerSettings
            {
                ListenEndpoint = port == 0 ? null : new IPEndPoint(IPAddress.IPv6Any, port),
                PreviousUncleanExit = _marker.PreviousUncleanExit,
                Observer = events,
            },
            sockets: null,
            time,
            loggers);
        _speaker.Start();
        current.Changed += OnConfigurationChanged;
        if (passwords is not null)
        {
            passwords.Changed += OnPasswordsChanged;
        }

        _refreshing = RefreshPasswordsAsync(_stopping.Token);
        return current.Document is { } document ? ApplyPeersAsync(document, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Replaces the routes every session announces.</summary>
    public void SetAnnouncements(IReadOnlyList<PrefixAnnouncement> announcements)
    {
        var routes = announcements.Select(a => new PeerAnnouncement(
            new Announcement(
                IPNetwork.Parse(a.Prefix),
                // MetalLB reads localPref 0 as "not set", which sends iBGP peers the default.
                new RouteAttributes(a.LocalPref is 0 ? null : a.LocalPref, a.Communities.Select(RouteAttributes.ParseCommunity), a.LargeCommunities.Select(RouteAttributes.ParseLargeCommunity))),
            a.Peers)).ToList();
        _speaker?.SetAnnouncements(routes);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        current.Changed -= OnConfigurationChanged;
        if (passwords is not null)
        {
            passwords.Changed -= OnPasswordsChanged;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _refreshing.ConfigureAwait(false);
        if (_speaker is { } speaker)
        {
            await speaker.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        // Withdrawn and closed with Cease: the next process starts as a fresh speaker, not a restarting one.
        _marker?.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        if (_speaker is { } speaker)
        {
            await speaker.DisposeAsync().ConfigureAwait(false);
        }

        _marker?.Dispose();
        _applying.Dispose();
        _stopping.Dispose();
    }

    object IStatusContributor.Snapshot() => new
    {
        peers = _speaker?.Status().Select(s => new
        {
            peer = s.Peer.ToString(),
            vrf = s.Device,
            state = s.State.ToString(),
            advertised = s.AdvertisedPrefixes,
            establishedAt = s.EstablishedAt,
            lastError = s.LastError,
            bfd = _speaker.BfdPeer(s.Peer, s.Device) is { } bfd
                ? new { state = bfd.State.ToString(), echo = bfd.EchoActive, echoUnavailable = bfd.EchoUnavailable, lastDownDiagnostic = bfd.LastDownDiagnostic?.ToString(), flaps = bfd.Flaps }
                : null,
        }).ToList() ?? [],
        problems = _problems.Concat(_speaker?.AnnouncementProblems() ?? []).ToList(),
        previousUncleanExit = _marker?.PreviousUncleanExit,
    };

    private void OnConfigurationChanged(ConfigurationDocument document) => _ = ApplyPeersAsync(document, CancellationToken.None);

    private void OnPasswordsChanged()
    {
        if (current.Document is { } document)
        {
            _ = ApplyPeersAsync(document, CancellationToken.None);
        }
    }

    /// <summary>
    /// A Secret can change without a new configuration version (the document holds only its name), so the passwords
    /// are read again on an interval; unchanged sessions stay as they are, a changed password restarts its session.
    /// </summary>
    private async Task RefreshPasswordsAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.PasswordRefreshInterval, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (current.Document is { PeerPasswords.Count: > 0 } document)
            {
                try
                {
                    await ApplyPeersAsync(document, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task ApplyPeersAsync(ConfigurationDocument document, CancellationToken cancellationToken)
    {
        try
        {
            await _applying.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var configured = NodePeers.For(node.Value.Name, document.Configuration, HostAddresses(), out var found);
            var problems = found.ToList();
            var peers = await _passwords.ResolveAsync(configured, document.PeerPasswords, problems, cancellationToken).ConfigureAwait(false);
            _problems = problems;
            foreach (var problem in problems)
            {
                LogPeerProblem(logger, problem);
            }

            if (peers.Any(p => p.GracefulRestart))
            {
                _marker!.Arm();
            }

            await _speaker!.SetPeersAsync(peers, cancellationToken).ConfigureAwait(false);
            LogPeersApplied(logger, document.Version, peers.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogApplyFailed(logger, ex);
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <summary>The addresses on this host's interfaces (the node's, with hostNetwork), for a router ID of last resort.</summary>
    private static List<HostAddress> HostAddresses() =>
        [.. System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses
            .Select(a => new HostAddress(a.Address, i.NetworkInterfaceType == System.Net.NetworkInformation.NetworkInterfaceType.Loopback)))];

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Configuration version {Version}: {Count} BGP peers for this node")]
    private static partial void LogPeersApplied(ILogger logger, long version, int count);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "BGP peer configuration not applied: {Problem}")]
    private static partial void LogPeerProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Applying the BGP peers failed")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "The previous bgp process on this node stopped without a clean exit (last alive {LastAlive}): graceful-restart peers within their restart time get the Restart State bit")]
    private static partial void LogUncleanExit(ILogger logger, DateTimeOffset lastAlive);
}
