using IronLb.Core.Configuration;
using IronLb.Core.SharedConfiguration;
using IronLb.Ipam.Configuration;
using Microsoft.Extensions.Options;

namespace IronLb.Ipam.Kubernetes;

/// <summary>Reads the configuration from the Kubernetes API, validates it and stores it when it is valid and changed.</summary>
/// <remarks>
/// The same rule as the manifests folder: an invalid set never replaces the last valid configuration
/// (<see cref="ConfigurationIntake"/>). Nothing is published before every resource has been listed once: a snapshot taken
/// while the Services are still loading would release every allocation. Watch events come in bursts (a kubectl apply
/// of a dozen objects, a relist), so a ring waits out <see cref="KubernetesSourceOptions.Debounce"/> and then maps the
/// whole cache once; publishing happens only when the mapped configuration differs from the last one handled.
/// </remarks>
internal sealed partial class KubernetesConfigurationSource(
    ClusterObjectCache cache,
    ResourceWatcher watcher,
    ConfigurationIntake intake,
    ConfigurationState state,
    ConfigurationVerdict verdict,
    IOptions<IpamOptions> options,
    TimeProvider time,
    ILogger<KubernetesConfigurationSource> logger) : BackgroundService
{
    private readonly FirstSeenIngress _firstSeenIngress = new();
    private ClusterConfiguration? _handled;

    // Since when the stored view has been newer than ours; null when it is not. While set, the loop checks again
    // without waiting for an event.
    private DateTimeOffset? _behindSince;

    /// <summary>Maps the cache and publishes it if it is complete, valid and changed; returns the errors found (empty when accepted or unchanged).</summary>
    public async Task<IReadOnlyList<ConfigurationError>> PublishIfChangedAsync(CancellationToken cancellationToken)
    {
        if (!cache.IsSynced)
        {
            return [];
        }

        var snapshot = cache.Snapshot(out var seen);
        var firstSeen = _firstSeenIngress.Update(snapshot.TryGetValue(WatchedResource.Services, out var services) ? services : []);
        var loaded = ClusterConfigurationMapper.Map(snapshot, options.Value.Kubernetes.MetalLbNamespace, firstSeen);
        var configuration = loaded.Configuration;
        if (configuration.Equals(_handled))
        {
            return [];
        }

        // Another replica whose watches are ahead may have stored a newer view; storing ours would roll the cluster
        // back (release a Service we have not seen yet) until we catch up. The events that make the difference are
        // on their way to us. A heuristic, not a fence: the highest resourceVersion seen on any resource does not
        // prove every other watch has caught up with it, and the check and the store are two steps. It gives way
        // after MaxLag, because resourceVersions can go back (an etcd restored from a backup) and we must not wait
        // for one we will never see.
        var now = time.GetUtcNow();
        if (await state.ReadAsync(cancellationToken).ConfigureAwait(false) is { } stored
            && ViewWatermark.TryRead(stored.Source, out var storedSeen) && storedSeen > seen
            && now - (_behindSince ??= now) < options.Value.Kubernetes.MaxLag)
        {
            LogBehind(logger, seen, storedSeen);
            return [];
        }

        _behindSince = null;

        var errors = await intake.SubmitAsync(ViewWatermark.Label(seen), configuration, loaded.Errors, cancellationToken).ConfigureAwait(false);
        verdict.Set(errors);

        // A rejected set is handled too: its errors are reported once, not on every event until it is fixed.
        _handled = configuration;
        return errors;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Kubernetes;
        var watches = WatchedResource.All.Select(r => watcher.RunAsync(r, stoppingToken)).ToList();
        try
        {
            var retry = false;
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!retry)
                {
                    await cache.Changes.ReadAsync(stoppingToken).ConfigureAwait(false);
                }

                await Task.Delay(retry ? settings.RetryDelay : settings.Debounce, time, stoppingToken).ConfigureAwait(false);

                // The burst that rang during the delay is in the snapshot about to be taken: its ring is spent.
                cache.Changes.TryRead(out _);
                try
                {
                    await PublishIfChangedAsync(stoppingToken).ConfigureAwait(false);
                    retry = _behindSince is not null;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Fail static: the stored configuration stays; try again shortly even if nothing else changes.
                    LogPublishFailed(logger, ex);
                    retry = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        await Task.WhenAll(watches).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 3114, Level = LogLevel.Debug, Message = "Not storing the view at resourceVersion {Seen}: the stored one is from {StoredSeen}")]
    private static partial void LogBehind(ILogger logger, long seen, long storedSeen);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Warning, Message = "Could not store the configuration read from the Kubernetes API; retrying")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
