using System.Threading.Channels;
using IronLb.Core.Contracts;
using IronLb.Core.State;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Bgp.Announcements;

/// <summary>Keeps this node's desired BGP announcements equal to what the stored intents say.</summary>
/// <remarks>
/// Reads every intents shard at start and on a resync interval (events can be lost), and on "intents changed" only the
/// shards it names (<see cref="IntentShardReader"/>).
/// Without a speaker (Bgp:Announce false) it computes and reports the announcements only.
/// </remarks>
internal sealed partial class BgpAgent(
    IStateStore store,
    BgpStatus status,
    [FromKeyedServices(BgpRegistration.Component)] ReadinessGate readiness,
    IOptions<BgpOptions> options,
    IOptions<NodeOptions> node,
    TimeProvider time,
    ILogger<BgpAgent> logger,
    BgpSpeakerHost? speaker = null) : BackgroundService
{
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IntentShardReader _reader = new(store);
    private long _appliedVersion = -1;

    /// <summary>Asks for the intents shards <paramref name="shards"/> (null: every shard) to be re-read now.</summary>
    public void Ring(IReadOnlyList<int>? shards = null)
    {
        _reader.MarkChanged(shards);
        _doorbell.Writer.TryWrite(true);
    }

    /// <summary>Reads the changed intents shards and recomputes this node's announcements if they are newer than the applied ones.</summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await _reader.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var intents = _reader.Current;
        readiness.MarkReady();
        if (intents.Version <= _appliedVersion)
        {
            return;
        }

        var announcements = NodeAnnouncements.For(node.Value.Name, intents);
        speaker?.SetAnnouncements(announcements);
        status.Update(intents.Version, announcements);
        _appliedVersion = intents.Version;
        LogApplied(logger, intents.Version, announcements.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Fail static: keep announcing what we know.
                LogReconcileFailed(logger, ex);
            }

            using var tick = new CancellationTokenSource(options.Value.ResyncInterval, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, tick.Token);
            try
            {
                await _doorbell.Reader.ReadAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Resync tick: every shard, in case an event was lost.
                _reader.MarkChanged(null);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Intents version {Version}: {Count} prefixes to announce from this node")]
    private static partial void LogApplied(ILogger logger, long version, int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Reading the intents failed; keeping the announcements we have")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception);
}
