using System.Threading.Channels;
using IronLb.Core.Contracts;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using IronLb.Election.Lease;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Election.Election;

/// <summary>While this replica holds the lease, keeps the owner of every Layer 2 address current in the state store.</summary>
/// <remarks>
/// Runs on a tick as well as on "intents changed", because a node dying raises no event: only the absence of
/// its heartbeat tells. Every pass reads the state afresh (state is truth, events are doorbells), so a lost or
/// repeated event costs nothing.
/// </remarks>
internal sealed partial class ElectionWorker(
    IStateStore store,
    IEventPublisher publisher,
    ElectionLease lease,
    ElectionStatus status,
    [FromKeyedServices(ElectionRegistration.Component)] ReadinessGate readiness,
    IOptions<ElectionOptions> options,
    TimeProvider time,
    ILogger<ElectionWorker> logger) : BackgroundService
{
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Asks for a pass now rather than at the next tick.</summary>
    public void Ring() => _doorbell.Writer.TryWrite(true);

    /// <summary>One pass: hold the lease, then elect and store owners if they changed.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        bool leader = await lease.TryHoldAsync(settings.ReplicaId, settings.LeaseDuration, cancellationToken).ConfigureAwait(false);
        status.IsLeader = leader;
        readiness.MarkReady();
        if (!leader)
        {
            return;
        }

        var intentsEntry = await store.GetAsync(StateKeys.Intents, cancellationToken).ConfigureAwait(false);
        var intents = intentsEntry.Value is null ? IntentSet.Empty : ContractJson.Deserialize<IntentSet>(intentsEntry.Value) ?? IntentSet.Empty;
        var liveNodes = await ReadLiveNodesAsync(intents, cancellationToken).ConfigureAwait(false);
        var ownersEntry = await store.GetAsync(StateKeys.Owners, cancellationToken).ConfigureAwait(false);
        var previous = ownersEntry.Value is null ? OwnerSet.Empty : ContractJson.Deserialize<OwnerSet>(ownersEntry.Value) ?? OwnerSet.Empty;
        var elected = OwnerElection.Elect(intents, liveNodes, previous);
        status.Update(elected, liveNodes);
        if (ReferenceEquals(elected, previous))
        {
            return;
        }

        if (!await store.TrySaveAsync(StateKeys.Owners, ContractJson.Serialize(elected), ownersEntry.ETag, cancellationToken).ConfigureAwait(false))
        {
            // Another replica wrote in between (it held the lease a moment ago): the next pass starts from its result.
            LogOwnersConflict(logger);
            Ring();
            return;
        }

        LogOwnersElected(logger, elected.Version, elected.Owners.Count);
        await publisher.PublishAsync(Topics.OwnersChanged, ContractJson.Serialize(new StateChanged(elected.Version)), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Fail static: keep the owners already stored and try again at the next tick.
                LogPassFailed(logger, ex);
            }

            await WaitForNextPassAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await lease.ReleaseAsync(options.Value.ReplicaId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReleaseFailed(logger, ex);
        }
    }

    private async Task<HashSet<string>> ReadLiveNodesAsync(IntentSet intents, CancellationToken cancellationToken)
    {
        var nodes = intents.Intents.SelectMany(i => i.Layer2).SelectMany(a => a.Nodes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var live = new HashSet<string>(StringComparer.Ordinal);
        if (nodes.Count == 0)
        {
            return live;
        }

        var now = time.GetUtcNow();
        var entries = await store.GetBulkAsync(nodes.ConvertAll(StateKeys.Heartbeat), cancellationToken).ConfigureAwait(false);
        foreach (var entry in entries)
        {
            var heartbeat = entry.Value is null ? null : ContractJson.Deserialize<NodeHeartbeat>(entry.Value);
            if (heartbeat is not null && now < heartbeat.At + heartbeat.ValidFor)
            {
                live.Add(heartbeat.Node);
            }
        }

        return live;
    }

    private async Task WaitForNextPassAsync(CancellationToken stoppingToken)
    {
        using var tick = new CancellationTokenSource(options.Value.Tick, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, tick.Token);
        try
        {
            await _doorbell.Reader.ReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The tick elapsed without a doorbell.
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Elected owners version {Version}: {Count} addresses")]
    private static partial void LogOwnersElected(ILogger logger, long version, int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Owners changed under us; electing again")]
    private static partial void LogOwnersConflict(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Election pass failed; keeping the stored owners")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Could not release the election lease")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
