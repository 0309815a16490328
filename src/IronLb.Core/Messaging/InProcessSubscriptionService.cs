using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IronLb.Core.Messaging;

/// <summary>Subscribes every declared <see cref="TopicSubscription"/> to the in-process bus at start, and leaves at stop.</summary>
/// <remarks>
/// Each registration is its own consumer group: in a single process, ipam and election each
/// subscribe to the same topics and must each see every event, as separate Dapr apps would.
/// </remarks>
internal sealed class InProcessSubscriptionService(
    IEnumerable<TopicSubscription> subscriptions, IServiceProvider services, InProcessBroker broker) : IHostedService
{
    private readonly List<IAsyncDisposable> _consumers = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var index = 0;
        foreach (var subscription in subscriptions)
        {
            var handler = (ITopicHandler)services.GetRequiredService(subscription.HandlerType);

            // The index keeps two registrations of one handler type on one topic apart, as two apps would be.
            var group = $"{subscription.HandlerType.FullName}/{subscription.Topic}/{index++}";
            _consumers.Add(broker.Subscribe(subscription.Topic, group, handler, subscription.DeadLetterTopic));
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var consumer in _consumers)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        _consumers.Clear();
    }
}
