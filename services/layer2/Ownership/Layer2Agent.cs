using System.Net;
using System.Threading.Channels;
using IronLb.Core.Contracts;
using IronLb.Core.State;
using IronLb.Layer2.Announcing;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Layer2.Ownership;

/// <summary>Keeps this node alive for election and keeps the set of addresses it answers for equal to what election stored.</summary>
/// <remarks>
/// Without an announcer (Layer2:Announce false) it computes and reports ownership only.
/// One loop does both, on the heartbeat tick: a heartbeat the store acknowledges keeps the fence open; the owners are
/// re-read when "owners changed" rings and every resync interval (events can be lost). When the fence closes, the
/// node stops answering at once even though the store still names it: election will move the addresses shortly.
/// </remarks>
internal sealed partial class Layer2Agent(
    IStateStore store,
    LivenessFence fence,
    Layer2Status status,
    [FromKeyedServices(Layer2Registration.Component)] ReadinessGate readiness,
    IOptions<Layer2Options> options,
    IOptions<NodeOptions> node,
    TimeProvider time,
    ILogger<Layer2Agent> logger,
    Layer2Announcer? announcer = null) : BackgroundService
{
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(2);
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private OwnerSet _owners = OwnerSet.Empty;
    private DateTimeOffset _nextResync = DateTimeOffset.MinValue;

    /// <summary>Asks for the owners to be re-read now.</summary>
    public void Ring() => _doorbell.Writer.TryWrite(true);

    /// <summary>Writes one heartbeat; the fence opens only if the store acknowledged it.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var at = time.GetUtcNow();
        var heartbeat = new NodeHeartbeat(node.Value.Name, "layer2", at, settings.HeartbeatValidFor);
        if (await store.TrySaveAsync(StateKeys.Heartbeat(node.Value.Name), ContractJson.Serialize(heartbeat), etag: null, cancellationToken).ConfigureAwait(false))
        {
            fence.Acknowledged(at, settings.HeartbeatValidFor, settings.FenceMargin);
        }
    }

    /// <summary>
    /// Tells election this node is leaving: a heartbeat valid for no time, so the next election pass moves its addresses
    /// instead of waiting for the last heartbeat to expire. Only after the node stopped answering (the fence rule still
    /// holds: the new owner starts answering after this node stopped).
    /// </summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        var heartbeat = new NodeHeartbeat(node.Value.Name, "layer2", time.GetUtcNow(), TimeSpan.Zero);
        await store.TrySaveAsync(StateKeys.Heartbeat(node.Value.Name), ContractJson.Serialize(heartbeat), etag: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Re-reads the owners; an owner set older than the one applied is ignored.</summary>
    public async Task ResyncAsync(CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(StateKeys.Owners, cancellationToken).ConfigureAwait(false);
        var owners = entry.Value is null ? OwnerSet.Empty : ContractJson.Deserialize<OwnerSet>(entry.Value) ?? OwnerSet.Empty;
        if (owners.Version >= _owners.Version)
        {
            _owners = owners;
        }

        _nextResync = time.GetUtcNow() + options.Value.ResyncInterval;
        readiness.MarkReady();
    }

    /// <summary>Applies what this node should answer for now: its owned addresses while the fence is open, else none.</summary>
    public IReadOnlyList<AddressOwner> Apply()
    {
        var owned = fence.IsOpen ? OwnedAddresses.For(node.Value.Name, _owners) : [];
        if (!owned.Select(Identity).SequenceEqual(status.Owned.Select(Identity), StringComparer.Ordinal))
        {
            LogOwnedChanged(logger, owned.Count, fence.IsOpen);
        }

        announcer?.ApplyOwnership([.. owned.Select(o => new OwnedAddress(IPAddress.Parse(o.Address), o.Interfaces, o.Epoch))]);
        status.Update(owned, fence.OpenUntil, _owners.Version);
        return owned;
    }

    private static string Identity(AddressOwner owner) => $"{owner.Address}|{owner.Epoch}|{string.Join(',', owner.Interfaces)}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await BeatAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The fence closes by itself if this goes on; nothing else to do but try again.
                    LogHeartbeatFailed(logger, ex);
                }

                try
                {
                    if (time.GetUtcNow() >= _nextResync)
                    {
                        await ResyncAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Fail static: keep the owners we know while the fence is open.
                    LogResyncFailed(logger, ex);
                }

                Apply();
                await WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        // Clean exit (SIGTERM, a rolling update): stop answering, then hand over at once rather than after the heartbeat expires.
        announcer?.ApplyOwnership([]);
        status.Update([], fence.OpenUntil, _owners.Version);
        try
        {
            using var bounded = new CancellationTokenSource(LeaveTimeout, time);
            await LeaveAsync(bounded.Token).ConfigureAwait(false);
            LogLeft(logger);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The heartbeat expires by itself; the hand-over just takes that much longer.
            LogLeaveFailed(logger, ex);
        }
    }

    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        using var tick = new CancellationTokenSource(options.Value.HeartbeatInterval, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, tick.Token);
        try
        {
            await _doorbell.Reader.ReadAsync(either.Token).ConfigureAwait(false);
            _nextResync = DateTimeOffset.MinValue;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Heartbeat tick.
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Answering for {Count} addresses (fence open: {FenceOpen})")]
    private static partial void LogOwnedChanged(ILogger logger, int count, bool fenceOpen);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Heartbeat write failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Reading the owners failed; keeping the last known")]
    private static partial void LogResyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Left: election may move this node's addresses now")]
    private static partial void LogLeft(ILogger logger);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Could not tell election this node is leaving; its addresses move when the heartbeat expires")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception);
}
