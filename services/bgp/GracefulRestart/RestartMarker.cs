using System.Globalization;
using IronLb.Bgp.Session;

namespace IronLb.Bgp.GracefulRestart;

/// <summary>
/// The node-local file that tells a new bgp process whether the previous one stopped cleanly. It exists while
/// BGPPeers with enableGracefulRestart are served, is touched every few seconds, and a clean stop (SIGTERM: routes
/// withdrawn, Cease sent) removes it. Found at start, it means the previous process ended otherwise (crash, SIGKILL,
/// OOM kill), and its time says when that process was last alive.
/// </summary>
internal sealed partial class RestartMarker : IDisposable
{
    /// <summary>How often the marker's time is renewed; the previous process ended at most this long after it.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromSeconds(5);

    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private ITimer? _touch;
    private bool _cleared;

    /// <param name="directory">The folder (BgpOptions.StateDirectory); null or empty turns the marker off.</param>
    /// <param name="node">This node's name, so that speakers of several nodes can share a folder.</param>
    /// <param name="time">The clock the marker's time is written and read with.</param>
    /// <param name="logger">Where a folder that cannot be written is reported.</param>
    public RestartMarker(string? directory, string node, TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        _path = Path.Combine(directory, node + ".running");
        if (File.Exists(_path))
        {
            PreviousUncleanExit = new DateTimeOffset(File.GetLastWriteTimeUtc(_path), TimeSpan.Zero);
        }
    }

    /// <summary>The file, or null when the marker is off.</summary>
    public string? FilePath => _path;

    /// <summary>When the previous process was last alive, if it ended without a clean stop; otherwise null.</summary>
    public DateTimeOffset? PreviousUncleanExit { get; }

    /// <summary>
    /// Whether a session to <paramref name="peer"/> opens as a restarting speaker (RFC 4724 §4.1): the peer uses
    /// graceful restart and the previous process ended uncleanly within the restart time we advertise, so the peer
    /// still holds our routes as stale.
    /// </summary>
    public static bool IsRestarting(BgpPeerSettings peer, DateTimeOffset? previousUncleanExit, DateTimeOffset now) =>
        peer.GracefulRestart && previousUncleanExit is { } exit && now - exit <= peer.GracefulRestartTime;

    /// <summary>Writes the marker and keeps it fresh until <see cref="Clear"/>; does nothing when already armed or off.</summary>
    public void Arm()
    {
        lock (_gate)
        {
            if (_path is null || _touch is not null || _cleared)
            {
                return;
            }

            if (TryTouch())
            {
                _touch = _time.CreateTimer(_ => OnTouchTimer(), null, TouchInterval, TouchInterval);
            }
        }
    }

    /// <summary>Removes the marker: the speaker stopped cleanly.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _cleared = true;
            _touch?.Dispose();
            _touch = null;
            if (_path is null)
            {
                return;
            }

            try
            {
                File.Delete(_path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogMarkerFailed(_logger, ex, _path);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _touch?.Dispose();
            _touch = null;
        }
    }

    private void OnTouchTimer()
    {
        // Under the lock, so that a touch racing Clear cannot bring the marker back after a clean stop.
        lock (_gate)
        {
            if (!_cleared)
            {
                TryTouch();
            }
        }
    }

    private bool TryTouch()
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            File.WriteAllText(_path!, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            File.SetLastWriteTimeUtc(_path!, _time.GetUtcNow().UtcDateTime);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Without the marker a crash is not recognised and the peer drops our stale routes when we return.
            LogMarkerFailed(_logger, ex, _path!);
            return false;
        }
    }

    [LoggerMessage(EventId = 4500, Level = LogLevel.Warning, Message = "Graceful restart marker {Path} could not be written or removed")]
    private static partial void LogMarkerFailed(ILogger logger, Exception exception, string path);
}
