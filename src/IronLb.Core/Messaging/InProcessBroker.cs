using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronLb.Core.Messaging;

/// <summary>An in-memory bus with the delivery rules of Dapr pub/sub: topics, consumer groups, competing consumers.</summary>
/// <remarks>
/// Every event published to a topic is queued once for each consumer group subscribed to it; the
/// consumers of one group read from that one queue and so compete. A delivery answered with
/// RETRY or an exception comes back after a backoff until the attempts run out; DROP or exhausted
/// attempts go to the dead-letter topic when the subscription has one. Queues are bounded, so a
/// slow group makes publishers wait rather than grow memory. Events published to a topic that no
/// group has subscribed to yet are discarded, as nothing could ever read them.
/// </remarks>
internal sealed partial class InProcessBroker : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ConsumerGroup>> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Consumer, byte> _consumers = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly InProcessMessagingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<InProcessBroker> _logger;

    public InProcessBroker(IOptions<InProcessMessagingOptions> options, TimeProvider timeProvider, ILogger<InProcessBroker> logger)
    {
        _options = options.Value;
        var errors = _options.Validate().ToArray();
        if (errors.Length > 0)
        {
            throw new OptionsValidationException(nameof(InProcessMessagingOptions), typeof(InProcessMessagingOptions), errors);
        }

        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Queues <paramref name="envelope"/> for every group subscribed to its topic; waits while a group's queue is full.</summary>
    public async Task PublishAsync(EventEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ObjectDisposedException.ThrowIf(_shutdown.IsCancellationRequested, this);
        await EnqueueAsync(envelope, cancellationToken).ConfigureAwait(false);
    }

    private async Task EnqueueAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!_topics.TryGetValue(envelope.Topic, out var groups) || groups.IsEmpty)
        {
            Log.NoSubscribers(_logger, envelope.Topic, envelope.Id);
            return;
        }

        foreach (var group in groups.Values)
        {
            await group.Queue.Writer.WriteAsync(new Delivery(envelope, 1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a consumer of <paramref name="topic"/> to consumer group <paramref name="group"/>; dispose it to leave.</summary>
    public IAsyncDisposable Subscribe(string topic, string group, ITopicHandler handler, string? deadLetterTopic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_shutdown.IsCancellationRequested, this);

        var groups = _topics.GetOrAdd(topic, _ => new ConcurrentDictionary<string, ConsumerGroup>(StringComparer.Ordinal));
        var consumerGroup = groups.GetOrAdd(group, name => new ConsumerGroup(topic, name, _options.QueueCapacity));
        var consumer = new Consumer(this, consumerGroup, handler, deadLetterTopic);
        _consumers.TryAdd(consumer, 0);
        consumer.Start();
        Log.Subscribed(_logger, topic, group, deadLetterTopic);
        return consumer;
    }

    // A plain ServiceProvider.Dispose() refuses services that are only IAsyncDisposable.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        foreach (var consumer in _consumers.Keys)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        _shutdown.Dispose();
    }

    private async Task SettleAsync(Consumer consumer, Delivery delivery, DeliveryResult result, CancellationToken cancellationToken)
    {
        var envelope = delivery.Envelope;
        switch (result)
        {
            case DeliveryResult.Success:
                return;
            case DeliveryResult.Retry when delivery.Attempt < _options.MaxDeliveryAttempts:
                var delay = _options.RetryDelay(delivery.Attempt);
                Log.Redelivering(_logger, envelope.Topic, consumer.Group.Name, envelope.Id, delivery.Attempt, delay);
                _ = RedeliverAfterAsync(consumer.Group, delivery with { Attempt = delivery.Attempt + 1 }, delay);
                return;
            default:
                var reason = result == DeliveryResult.Drop ? "dropped" : "retries exhausted";
                if (consumer.DeadLetterTopic is { } deadLetterTopic)
                {
                    Log.DeadLettered(_logger, envelope.Topic, consumer.Group.Name, envelope.Id, reason, deadLetterTopic);
                    await EnqueueAsync(envelope with { Topic = deadLetterTopic }, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    Log.Discarded(_logger, envelope.Topic, consumer.Group.Name, envelope.Id, reason);
                }

                return;
        }
    }

    private async Task RedeliverAfterAsync(ConsumerGroup group, Delivery delivery, TimeSpan delay)
    {
        var shutdown = _shutdown.Token;
        try
        {
            await Task.Delay(delay, _timeProvider, shutdown).ConfigureAwait(false);
            await group.Queue.Writer.WriteAsync(delivery, shutdown).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The broker is shutting down; in-memory events end with it.
        }
    }

    private readonly record struct Delivery(EventEnvelope Envelope, int Attempt);

    private sealed class ConsumerGroup(string topic, string name, int capacity)
    {
        public string Topic { get; } = topic;

        public string Name { get; } = name;

        public Channel<Delivery> Queue { get; } = Channel.CreateBounded<Delivery>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
    }

    private sealed class Consumer(InProcessBroker broker, ConsumerGroup group, ITopicHandler handler, string? deadLetterTopic) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public ConsumerGroup Group { get; } = group;

        public string? DeadLetterTopic { get; } = deadLetterTopic;

        public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

        public async ValueTask DisposeAsync()
        {
            if (!broker._consumers.TryRemove(this, out _))
            {
                return;
            }

            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            _stop.Dispose();
        }

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            var reader = Group.Queue.Reader;
            try
            {
                while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (!cancellationToken.IsCancellationRequested && reader.TryRead(out var delivery))
                    {
                        await DeliverAsync(delivery, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Leaving the group; what is still queued stays for the group's other consumers.
            }
        }

        private async Task DeliverAsync(Delivery delivery, CancellationToken cancellationToken)
        {
            DeliveryResult result;
            try
            {
                result = await handler.HandleAsync(delivery.Envelope, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Interrupted by our own shutdown, not failed: give it back so at-least-once holds.
                if (!Group.Queue.Writer.TryWrite(delivery))
                {
                    Log.LostOnShutdown(broker._logger, Group.Topic, Group.Name, delivery.Envelope.Id);
                }

                throw;
            }
#pragma warning disable CA1031 // A handler's failure of any kind means "deliver again", exactly as Dapr treats a 500.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.HandlerFailed(broker._logger, exception, Group.Topic, Group.Name, delivery.Envelope.Id);
                result = DeliveryResult.Retry;
            }

            await broker.SettleAsync(this, delivery, result, cancellationToken).ConfigureAwait(false);
        }
    }
}
