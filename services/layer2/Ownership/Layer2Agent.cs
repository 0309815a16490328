using System.Net;
using System.Threading.Channels;
using IronLb.Core.Contracts;
using IronLb.Core.Failover;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using IronLb.Layer2.Announcing;
using IronLb.Layer2.Handoff;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Layer2.Ownership;

/// <summary>Keeps this node alive for election and hands the addresses election gave it to the LAN hand-over.</summary>
/// <remarks>
/// Two loops, so a hung store call on one never delays the other: the heartbeat, every
/// <c>Failover:HeartbeatInterval</c>, each write given up after <c>Failover:HeartbeatTimeout</c>; and the owners, re-read
/// when "owners changed" rings and every resync interval (events can be lost). The owners last read stay in force
/// while the store is out of reach (fail static): whether this node may answer is decided on the LAN by
/// <see cref="LanHandoff"/>, which the heartbeat acknowledgements feed. Without an announcer
/// (Layer2:Announce false) it computes and reports ownership only.
/// </remarks>
internal sealed partial class Layer2Agent(
    IStateStore store,
    IEventPublisher publisher,
    Layer2Status status,
    [FromKeyedServices(Layer2Registration.Component)] ReadinessGate readiness,
    IOptions<Layer2Options> options,
    IOptions<FailoverOptions> timing,
    IOptions<NodeOptions> node,
    TimeProvider time,
    ILogger<Layer2Agent> logger,
    LanHandoff? handoff = null) : BackgroundService
{
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(2);
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly long _origin = time.GetTimestamp();
    private OwnerSet _owners = OwnerSet.Empty;
    private IReadOnlyList<AddressOwner> _standby = [];
    private long _sequence;

    /// <summary>Asks for the owners to be re-read now.</summary>
    public void Ring() => _doorbell.Writer.TryWrite(true);

    /// <summary>Writes one heartbeat, given up after <c>Failover:HeartbeatTimeout</c>; an acknowledged one vouches for this node on the LAN.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        var sentAt = handoff?.Now ?? time.GetElapsedTime(_origin);
        var takenOver = handoff?.TakenOver;
        var heartbeat = new NodeHeartbeat(node.Value.Name, "layer2", Interlocked.Increment(ref _sequence), Leaving: false, time.GetUtcNow(), takenOver is { Count: > 0 } ? takenOver : null);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timing.Value.HeartbeatTimeout);
        if (await store.TrySaveAsync(StateKeys.Heartbeat(node.Value.Name), ContractJson.Serialize(heartbeat), etag: null, bounded.Token).ConfigureAwait(false))
        {
            handoff?.StoreAcknowledged(sentAt);
            status.Acknowledged(time.GetUtcNow());
        }
    }

    /// <summary>
    /// Tells election this node is leaving, so it moves the addresses now instead of when the heartbeat times out.
    /// Only after the node stopped answering and released its addresses on the LAN.
    /// </summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        var heartbeat = new NodeHeartbeat(node.Value.Name, "layer2", Interlocked.Increment(ref _sequence), Leaving: true, time.GetUtcNow());
        await store.TrySaveAsync(StateKeys.Heartbeat(node.Value.Name), ContractJson.Serialize(heartbeat), etag: null, cancellationToken).ConfigureAwait(false);
        await publisher.PublishAsync(Topics.NodeLeaving, ContractJson.Serialize(new StateChanged(heartbeat.Sequence)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Re-reads the owners; an owner set older than the one applied is ignored.</summary>
    public async Task ResyncAsync(CancellationToken cancellationToken)
    {
        var owners = (await store.GetJsonAsync<OwnerSet>(StateKeys.Owners, cancellationToken: cancellationToken).ConfigureAwait(false)).Value ?? OwnerSet.Empty;
        if (owners.Version >= _owners.Version)
        {
            _owners = owners;
        }

        readiness.MarkReady();
    }

    /// <summary>Hands this node's owned addresses, as election last said, to the LAN hand-over.</summary>
    public IReadOnlyList<AddressOwner> Apply()
    {
        var owned = OwnedAddresses.For(node.Value.Name, _owners);
        if (!owned.Select(Identity).SequenceEqual(status.Owned.Select(Identity), StringComparer.Ordinal))
        {
            LogOwnedChanged(logger, owned.Count, _owners.Version);
        }

        var standby = OwnedAddresses.StandbyFor(node.Value.Name, _owners);
        if (!standby.Select(Identity).SequenceEqual(_standby.Select(Identity), StringComparer.Ordinal))
        {
            LogStandbyChanged(logger, standby.Count, _owners.Version);
            _standby = standby;
        }

        handoff?.SetOwnership(
            [.. owned.Select(o => new OwnedAddress(IPAddress.Parse(o.Address), o.Interfaces, o.Epoch))],
            [.. standby.Select(o => new StandbyAddress(IPAddress.Parse(o.Address), o.Node, o.Epoch, o.Interfaces))]);
        status.Update(owned, _owners.Version);
        return owned;
    }

    private static string Identity(AddressOwner owner) => $"{owner.Address}|{owner.Epoch}|{string.Join(',', owner.Interfaces)}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(HeartbeatLoopAsync(stoppingToken), OwnersLoopAsync(stoppingToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        // Clean exit (SIGTERM, a rolling update): stop answering and release on the LAN, then tell election at once.
        handoff?.Leave();
        status.Update([], _owners.Version);
        try
        {
            using var bounded = new CancellationTokenSource(LeaveTimeout, time);
            await LeaveAsync(bounded.Token).ConfigureAwait(false);
            LogLeft(logger);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The heartbeat times out by itself; the successor also starts once the LAN is silent.
            LogLeaveFailed(logger, ex);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken stoppingToken)
    {
        var interval = timing.Value.HeartbeatInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            try
            {
                await BeatAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Fail static: the LAN keeps vouching while the store is away; nothing to do but try again.
                LogHeartbeatFailed(logger, ex);
            }

            var left = interval - time.GetElapsedTime(started);
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task OwnersLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ResyncAsync(stoppingToken).ConfigureAwait(false);
                Apply();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Fail static: keep the owners we know.
                LogResyncFailed(logger, ex);
            }

            using var tick = new CancellationTokenSource(options.Value.ResyncInterval, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, tick.Token);
            try
            {
                await _doorbell.Reader.ReadAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Resync tick.
            }
        }
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Owner of {Count} addresses (owners version {Version})")]
    private static partial void LogOwnedChanged(ILogger logger, int count, long version);

    [LoggerMessage(EventId = 5206, Level = LogLevel.Information, Message = "Successor for {Count} addresses (owners version {Version})")]
    private static partial void LogStandbyChanged(ILogger logger, int count, long version);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning, Message = "Heartbeat write failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Reading the owners failed; keeping the last known")]
    private static partial void LogResyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Information, Message = "Left: election may move this node's addresses now")]
    private static partial void LogLeft(ILogger logger);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Warning, Message = "Could not tell election this node is leaving; its addresses move when the heartbeat times out")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception);
}
