using IronLb.LocalSidecar.Components;
using IronLb.LocalSidecar.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace IronLb.LocalSidecar.PubSub;

/// <summary>Waits for the app, reads its subscriptions and runs one <see cref="TopicConsumer"/> per subscription.</summary>
/// <remarks>daprd probes the app channel until it answers, then loads programmatic subscriptions once; so does this.</remarks>
internal sealed partial class SubscriptionHost(
    SidecarOptions options,
    ComponentSet components,
    AppChannel app,
    AppChannelState state,
    RedisConnections redis,
    RedisStreamPublisher publisher,
    SidecarInstance instance,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<SubscriptionHost>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.AppPort is null)
        {
            state.MarkReady([]);
            return;
        }

        var subscriptions = await WaitForAppAsync(stoppingToken).ConfigureAwait(false);
        if (subscriptions is null)
        {
            return;
        }

        var consumers = new List<TopicConsumer>();
        foreach (var subscription in subscriptions)
        {
            if (!components.PubSubs.TryGetValue(subscription.PubsubName, out var component))
            {
                LogUnknownPubSub(_logger, subscription.PubsubName, subscription.Topic);
                continue;
            }

            var database = await redis.GetDatabaseAsync(component.RedisHost).ConfigureAwait(false);
            var consumer = new TopicConsumer(
                component, subscription, instance.ConsumerName, database, app, publisher, time, options.StreamPollInterval, loggers.CreateLogger<TopicConsumer>());
            if (await SubscribeWithRetryAsync(consumer, subscription.Topic, stoppingToken).ConfigureAwait(false))
            {
                consumers.Add(consumer);
            }
        }

        // Healthy only once every consumer group exists, as daprd reports healthy only after its subscriptions
        // started: a publish the app makes after WaitForSidecarAsync must not fall before the group's "$".
        state.MarkReady(subscriptions);
        LogAppReady(_logger, options.AppPort.Value, subscriptions.Count);
        await Task.WhenAll(consumers.Select(c => c.RunAsync(stoppingToken))).ConfigureAwait(false);
    }

    // Bounded by AppStartTimeout so a sidecar whose app never comes up says so instead of probing forever.
    private async Task<IReadOnlyList<AppSubscription>?> WaitForAppAsync(CancellationToken stoppingToken)
    {
        var deadline = time.GetUtcNow() + options.AppStartTimeout;
        while (!stoppingToken.IsCancellationRequested)
        {
            var subscriptions = await app.GetSubscriptionsAsync(stoppingToken).ConfigureAwait(false);
            if (subscriptions is not null)
            {
                return subscriptions;
            }

            if (time.GetUtcNow() >= deadline)
            {
                LogAppNeverReady(_logger, options.AppPort!.Value, options.AppStartTimeout);
                return null;
            }

            try
            {
                await Task.Delay(options.AppProbeInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }

    // Redis may come up after the sidecar (daprd keeps retrying its components too): back off up to 5 s between
    // attempts, bounded by AppStartTimeout and an attempt count.
    private async Task<bool> SubscribeWithRetryAsync(TopicConsumer consumer, string topic, CancellationToken stoppingToken)
    {
        var deadline = time.GetUtcNow() + options.AppStartTimeout;
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; attempt <= 1000 && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await consumer.SubscribeAsync().ConfigureAwait(false);
                return true;
            }
            catch (RedisException e)
            {
                LogSubscribeFailed(_logger, topic, attempt, e.Message);
            }

            if (time.GetUtcNow() + delay >= deadline)
            {
                break;
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }

        LogSubscribeGaveUp(_logger, topic);
        return false;
    }

    [LoggerMessage(EventId = 323, Level = LogLevel.Warning, Message = "Subscribing to {Topic} failed (attempt {Attempt}): {Reason}")]
    private static partial void LogSubscribeFailed(ILogger logger, string topic, int attempt, string reason);

    [LoggerMessage(EventId = 324, Level = LogLevel.Error, Message = "Gave up subscribing to {Topic}")]
    private static partial void LogSubscribeGaveUp(ILogger logger, string topic);

    [LoggerMessage(EventId = 320, Level = LogLevel.Information, Message = "App channel ready on port {Port}: {Count} subscriptions")]
    private static partial void LogAppReady(ILogger logger, int port, int count);

    [LoggerMessage(EventId = 321, Level = LogLevel.Error, Message = "Subscription to {Topic} names pub/sub {PubSub}, which is not loaded")]
    private static partial void LogUnknownPubSub(ILogger logger, string pubSub, string topic);

    [LoggerMessage(EventId = 322, Level = LogLevel.Error, Message = "App on port {Port} did not answer within {Timeout}; no subscriptions")]
    private static partial void LogAppNeverReady(ILogger logger, int port, TimeSpan timeout);
}
