using System.Threading.Channels;
using IronLb.Core.SharedConfiguration;
using IronLb.Ipam.Planning;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Ipam.Reconciliation;

/// <summary>Reconciles the stored allocations and intents with the current configuration: on every change and on a resync tick.</summary>
/// <remarks>
/// Several ipam replicas may run this at once; the reconciler's compare-and-swap keeps them from double-assigning.
/// The tick repairs what a lost event or a failed write left behind.
/// </remarks>
internal sealed partial class IpamWorker(
    IpamReconciler reconciler,
    CurrentConfiguration current,
    IpamStatus status,
    IEnumerable<IStatusWriter> writers,
    [FromKeyedServices(IpamRegistration.Component)] ReadinessGate readiness,
    IOptions<IpamOptions> options,
    TimeProvider time,
    ILogger<IpamWorker> logger) : BackgroundService
{
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Reconciles once with the current configuration, if there is one, and writes the outcome back to the Services.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (current.Document is not { } document)
        {
            return;
        }

        var result = await reconciler.ReconcileAsync(document.Configuration, document.Version, cancellationToken).ConfigureAwait(false);
        status.Update(document.Version, result);
        readiness.MarkReady();
        foreach (var writer in writers)
        {
            await writer.WriteAsync(result, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        current.Changed += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Fail static: what is stored stays announced; the next change or tick tries again.
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
                    // Resync tick.
                }
            }
        }
        finally
        {
            current.Changed -= OnChanged;
        }
    }

    private void OnChanged(ConfigurationDocument document) => _doorbell.Writer.TryWrite(true);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Reconciling allocations failed; keeping what is stored")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception);
}
