using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace IronLb.Ipam.Kubernetes;

/// <summary>Keeps one resource in the <see cref="ClusterObjectCache"/> current: list once, then watch from where the list or the last event left off.</summary>
/// <remarks>
/// The loop is shaped like client-go's reflector. A watch that ends normally (its timeout, a server restart) resumes from
/// the last resourceVersion seen, events or bookmarks, so nothing is listed twice. A 410 Gone (the server compacted that
/// version away, as an ERROR event or as the response) means events were lost: the resource is listed again, which
/// replaces what the cache holds. Any other failure retries with exponential backoff and jitter, so a restarting API
/// server is not stampeded by every replica at once; the backoff starts afresh with every session that got going.
/// </remarks>
internal sealed partial class ResourceWatcher(
    KubernetesApi api,
    ClusterObjectCache cache,
    IOptions<IpamOptions> options,
    TimeProvider time,
    ILogger<ResourceWatcher> logger)
{
    private static readonly TimeSpan ShortestWatch = TimeSpan.FromSeconds(1);

    /// <summary>Watches until <paramref name="cancellationToken"/> ends it.</summary>
    public async Task RunAsync(WatchedResource resource, CancellationToken cancellationToken)
    {
        var settings = options.Value.Kubernetes;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                // An HttpClient timeout is an OperationCanceledException too: only our own stopping ends the loop.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(_ => !cancellationToken.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryDelay,
                MaxDelay = settings.MaxRetryDelay,
                OnRetry = args =>
                {
                    LogRetrying(logger, resource.ToString(), args.RetryDelay, args.Outcome.Exception);
                    return default;
                },
            })
            .Build();

        var position = new WatchPosition();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await pipeline.ExecuteAsync(async token => await SessionAsync(resource, position, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Lists if there is no position to resume from, then watches until the server ends the watch.</summary>
    private async Task SessionAsync(WatchedResource resource, WatchPosition position, CancellationToken cancellationToken)
    {
        position.ResourceVersion ??= await ListAsync(resource, cancellationToken).ConfigureAwait(false);
        Exception? failure = null;
        var started = time.GetTimestamp();
        var received = 0;
        try
        {
            await foreach (var change in api.WatchAsync(resource, position.ResourceVersion, e => failure ??= e, cancellationToken).ConfigureAwait(false))
            {
                received++;
                if (change.Type == WatchEventType.Bookmark)
                {
                    cache.Bookmark(ObjectJson.ResourceVersion(change.Object));
                }
                else
                {
                    cache.Apply(resource, change.Type == WatchEventType.Deleted, change.Object);
                }

                position.ResourceVersion = ObjectJson.ResourceVersion(change.Object) ?? position.ResourceVersion;
            }
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
        {
            failure = e;
        }

        if (failure is not null)
        {
            // An ERROR event: 410 Gone above all, or an event that could not be read. Either way events may be missing
            // from the cache, and only a fresh list can tell which.
            LogRelisting(logger, resource.ToString(), position.ResourceVersion, failure.Message);
            position.ResourceVersion = null;
        }

        // A watch the server ends at once, again and again (a proxy that cuts streams, a version it keeps refusing),
        // must not become a busy loop: the second such end in a row counts as a failure, so the backoff applies.
        position.QuickEnds = received == 0 && time.GetElapsedTime(started) < ShortestWatch ? position.QuickEnds + 1 : 0;
        if (position.QuickEnds > 1)
        {
            throw new IOException($"the watch of {resource} keeps ending as soon as it starts");
        }
    }

    private async Task<string> ListAsync(WatchedResource resource, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        string? continueToken = null;
        string? resourceVersion;
        do
        {
            var page = await api.ListAsync(resource, continueToken, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items);
            resourceVersion = page.ResourceVersion;
            continueToken = page.Continue;
        }
        while (continueToken is not null);

        cache.Replace(resource, items, resourceVersion);
        LogListed(logger, resource.ToString(), items.Count, resourceVersion);

        // Without a version the watch starts from "any", which the server answers with the current state again.
        return resourceVersion ?? "0";
    }

    /// <summary>Where the next watch of one resource starts; null means list first.</summary>
    private sealed class WatchPosition
    {
        public string? ResourceVersion { get; set; }

        /// <summary>Watches in a row that ended before they brought anything.</summary>
        public int QuickEnds { get; set; }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Listed {Resource}: {Count} objects at resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string resource, int count, string? resourceVersion);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Watch of {Resource} from resourceVersion {ResourceVersion} failed ({Reason}); listing again")]
    private static partial void LogRelisting(ILogger logger, string resource, string? resourceVersion, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Listing or watching {Resource} failed; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string resource, TimeSpan delay, Exception? exception);
}
