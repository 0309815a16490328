using System.Threading.Channels;
using IronLb.Core.Contracts;
using IronLb.Core.Events;
using IronLb.Core.Failover;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using IronLb.Election.Lease;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Election.Election;

/// <summary>Watches node heartbeats and, while this replica holds the lease, keeps the owner of every Layer 2 address current.</summary>
/// <remarks>
/// Every replica, active or standby, reads the heartbeats every <c>Failover:ObserveInterval</c>, so a standby that
/// takes over already knows who is alive and moves nothing. A pass also runs at the next heartbeat deadline and when
/// "intents changed" or "node leaving" rings. Intents shards are re-read when an event names them (every shard at start
/// and every <c>IntentsResyncInterval</c>), owners only before a write: the store is truth, events are doorbells, and a
/// lost or repeated event costs nothing. The owners' version never goes back while the replica lives (layer2 agents
/// ignore owners at or below the version they applied): at every resync, standbys too note the stored owners' version,
/// so whoever writes after the store lost the owners (Redis restarted without persistence) continues above it.
/// </remarks>
internal sealed partial class ElectionWorker(
    IStateStore store,
    IEventPublisher publisher,
    IntegrationEvents events,
    ElectionLease lease,
    ElectionStatus status,
    [FromKeyedServices(ElectionRegistration.Component)] ReadinessGate readiness,
    IOptions<ElectionOptions> options,
    IOptions<FailoverOptions> timing,
    TimeProvider time,
    ILogger<ElectionWorker> logger) : BackgroundService
{
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HeartbeatObserver _heartbeats = new(timing.Value.HeartbeatTimeout);
    private readonly long _origin = time.GetTimestamp();
    private readonly VersionFloor _ownersVersions = new();
    private readonly IntentShardReader _reader = new(store);
    private IntentSet? _intents;
    private TimeSpan _intentsReadAt;
    private bool _leader;

    /// <summary>Asks for a pass now rather than at the next observation.</summary>
    public void Ring() => _doorbell.Writer.TryWrite(true);

    /// <summary>Asks for a pass that first re-reads the intents shards <paramref name="shards"/> (null: every shard).</summary>
    public void IntentsChanged(IReadOnlyList<int>? shards = null)
    {
        _reader.MarkChanged(shards);
        Ring();
    }

    /// <summary>One pass: observe heartbeats, hold the lease, then elect and store owners if they changed.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetElapsedTime(_origin);
        if (_intents is null || now - _intentsReadAt >= options.Value.IntentsResyncInterval)
        {
            // First pass and resync: every shard, in case an event was lost.
            _reader.MarkChanged(null);
            _ownersVersions.Note((await store.GetJsonAsync<OwnerSet>(StateKeys.Owners, cancellationToken: cancellationToken).ConfigureAwait(false)).Value?.Version ?? 0);
            _intentsReadAt = now;
        }

        await _reader.RefreshAsync(cancellationToken).ConfigureAwait(false);
        _intents = _reader.Current;

        try
        {
            await ObserveHeartbeatsAsync(_intents, now, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Never elect from a view with a hole in it.
            _heartbeats.Blind();
            throw;
        }

        var leader = await lease.TryHoldAsync(options.Value.ReplicaId, now, cancellationToken).ConfigureAwait(false);
        if (leader != _leader)
        {
            LogLeadership(logger, options.Value.ReplicaId, leader);
            _leader = leader;
        }

        status.IsLeader = leader;
        readiness.MarkReady();
        var alive = _heartbeats.Alive(now);
        if (!leader)
        {
            status.UpdateAlive(alive);
            return;
        }

        var ownersEntry = await store.GetJsonAsync<OwnerSet>(StateKeys.Owners, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!ownersEntry.Exists)
        {
            await store.EnsureAsync(StateKeys.Owners, cancellationToken).ConfigureAwait(false);
            ownersEntry = await store.GetJsonAsync<OwnerSet>(StateKeys.Owners, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var stored = ownersEntry.Value ?? OwnerSet.Empty;
        var floor = _ownersVersions.Note(stored.Version);
        var previous = stored.Version < floor ? stored with { Version = floor } : stored;
        var elected = OwnerElection.Elect(_intents, alive, previous, _heartbeats.TakenOver(now), _heartbeats.Fresh(now));
        status.Update(elected, alive);
        if (ReferenceEquals(elected, previous))
        {
            return;
        }

        if (!await store.TrySaveJsonAsync(StateKeys.Owners, elected, ownersEntry.ETag, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // Another replica wrote in between (it held the lease a moment ago): the next pass starts from its result.
            LogOwnersConflict(logger);
            Ring();
            return;
        }

        _ownersVersions.Note(elected.Version);
        LogOwnersElected(logger, elected.Version, elected.Owners.Count, alive.Count);
        events.Emit(ElectionRegistration.Component, OwnerEventDiff.Diff(previous, elected));
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
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Fail static: keep the owners already stored and try again at the next observation.
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

    private async Task ObserveHeartbeatsAsync(IntentSet intents, TimeSpan now, CancellationToken cancellationToken)
    {
        var nodes = intents.Intents.SelectMany(i => i.Layer2).SelectMany(a => a.Nodes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var read = new Dictionary<string, NodeHeartbeat?>(StringComparer.Ordinal);
        if (nodes.Count > 0)
        {
            var entries = await store.GetBulkAsync(nodes.ConvertAll(StateKeys.Heartbeat), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < nodes.Count; i++)
            {
                read[nodes[i]] = entries[i].Value is null ? null : ContractJson.Deserialize<NodeHeartbeat>(entries[i].Value);
            }
        }

        _heartbeats.Observe(read, now);
    }

    // The next pass comes at the next observation, or sooner at the next heartbeat deadline or a doorbell.
    private async Task WaitForNextPassAsync(CancellationToken stoppingToken)
    {
        var now = time.GetElapsedTime(_origin);
        var wait = timing.Value.ObserveInterval;
        if (_heartbeats.NextDeadline(now) is { } deadline && deadline - now < wait)
        {
            wait = deadline - now > TimeSpan.Zero ? deadline - now : TimeSpan.Zero;
        }

        using var tick = new CancellationTokenSource(wait, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, tick.Token);
        try
        {
            await _doorbell.Reader.ReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The wait elapsed without a doorbell.
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Elected owners version {Version}: {Count} addresses, {Alive} nodes alive")]
    private static partial void LogOwnersElected(ILogger logger, long version, int count, int alive);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Owners changed under us; electing again")]
    private static partial void LogOwnersConflict(ILogger logger);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Election pass failed; keeping the stored owners")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Could not release the election lease")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Replica {Replica} active: {Leader}")]
    private static partial void LogLeadership(ILogger logger, string replica, bool leader);
}
