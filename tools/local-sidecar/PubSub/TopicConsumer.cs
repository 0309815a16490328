using IronLb.LocalSidecar.Components;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace IronLb.LocalSidecar.PubSub;

/// <summary>Consumes one topic for one subscription the way pubsub.redis does: a consumer group named by consumerID
/// (replicas sharing it compete, other groups each get every message), XREADGROUP for new entries, XACK once handled,
/// and XAUTOCLAIM of entries left pending longer than processingTimeout, checked every redeliverInterval.</summary>
internal sealed partial class TopicConsumer(
    PubSubComponent component,
    AppSubscription subscription,
    string consumerName,
    IDatabase database,
    AppChannel app,
    RedisStreamPublisher publisher,
    TimeProvider time,
    TimeSpan pollInterval,
    ILogger logger)
{
    private const int ReadBatch = 10;
    private const int ClaimBatch = 100;
    private const int ClaimPagesPerRound = 10;
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromSeconds(1);

    // Entries this consumer is delivering now. XAUTOCLAIM measures idle time in Redis, so an entry whose delivery
    // (with resiliency retries) outlasts processingTimeout is claimed back by our own reclaim loop: skip it here.
    // Other sidecars of the group may still claim it, as with Dapr's component.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _inFlight = new(StringComparer.Ordinal);

    // Set when a local sidecar announces a new entry on this topic, so the read loop need not wait out its poll.
    private readonly System.Threading.Channels.Channel<bool> _wake =
        System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });

    private string Topic => subscription.Topic;

    private string Group => component.ConsumerId;

    /// <summary>Creates the consumer group; messages published after this reach the subscription.</summary>
    public Task SubscribeAsync() => EnsureGroupAsync();

    /// <summary>Reads and redelivers until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        LogConsuming(logger, Topic, component.Name, Group, consumerName);
        var subscriber = database.Multiplexer.GetSubscriber();
        var channel = RedisStreamPublisher.WakeChannel(Topic);
        try
        {
            await subscriber.SubscribeAsync(channel, (_, _) => _wake.Writer.TryWrite(true)).ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            // Without wake-ups the consumer still polls.
            LogRedisError(logger, Topic, e.Message);
        }

        try
        {
            var reclaim = component.RedeliveryEnabled ? ReclaimLoopAsync(cancellationToken) : Task.CompletedTask;
            await Task.WhenAll(ReadLoopAsync(cancellationToken), reclaim).ConfigureAwait(false);
        }
        finally
        {
            await subscriber.UnsubscribeAsync(channel, null, CommandFlags.FireAndForget).ConfigureAwait(false);
        }
    }

    // XGROUP CREATE topic group 0 MKSTREAM, as pubsub.redis does (components-contrib pubsub/redis/redis.go,
    // CreateConsumerGroup): a new group starts at the beginning of the stream and is handed everything it still holds.
    private async Task EnsureGroupAsync()
    {
        try
        {
            await database.StreamCreateConsumerGroupAsync(Topic, Group, StreamPosition.Beginning, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another replica, or an earlier run, created it already.
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var entries = await database.StreamReadGroupAsync(Topic, Group, consumerName, StreamPosition.NewMessages, ReadBatch).ConfigureAwait(false);
                if (entries.Length == 0)
                {
                    await WaitForWakeOrPollAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                foreach (var entry in entries)
                {
                    await HandleAsync(entry, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException e)
            {
                // NOGROUP after the stream was deleted or Redis lost its data: recreate at "0", as pubsub.redis does on NOGROUP.
                LogRedisError(logger, Topic, e.Message);
                await DelayQuietly(ErrorBackoff, cancellationToken).ConfigureAwait(false);
                await TryEnsureGroupAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A long-running consumer must not die on one bad entry: the entry stays pending and is retried.
                LogUnexpected(logger, Topic, e);
                await DelayQuietly(ErrorBackoff, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Polling stays the ground truth (entries from daprd or a missed wake-up); the wake-up only shortens the wait.
    private async Task WaitForWakeOrPollAsync(CancellationToken cancellationToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(pollInterval, time, poll.Token);
        var woken = _wake.Reader.WaitToReadAsync(poll.Token).AsTask();
        await Task.WhenAny(delay, woken).ConfigureAwait(false);
        await poll.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        _wake.Reader.TryRead(out _);
    }

    private async Task ReclaimLoopAsync(CancellationToken cancellationToken)
    {
        var minIdle = (long)component.ProcessingTimeout.TotalMilliseconds;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await DelayQuietly(component.RedeliverInterval, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            try
            {
                RedisValue start = "0-0";
                for (var page = 0; page < ClaimPagesPerRound; page++)
                {
                    var claimed = await database.StreamAutoClaimAsync(Topic, Group, consumerName, minIdle, start, ClaimBatch).ConfigureAwait(false);
                    foreach (var entry in claimed.ClaimedEntries)
                    {
                        LogRedelivering(logger, entry.Id.ToString(), Topic);
                        await HandleAsync(entry, cancellationToken).ConfigureAwait(false);
                    }

                    start = claimed.NextStartId;
                    if (start == "0-0")
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException e)
            {
                LogRedisError(logger, Topic, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogUnexpected(logger, Topic, e);
            }
        }
    }

    private async Task TryEnsureGroupAsync()
    {
        try
        {
            await EnsureGroupAsync().ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            LogRedisError(logger, Topic, e.Message);
        }
    }

    private async Task<bool> DelayQuietly(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
