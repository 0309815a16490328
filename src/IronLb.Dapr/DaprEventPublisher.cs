using Dapr.Client;
using IronLb.Core.Messaging;
using Microsoft.Extensions.Options;

namespace IronLb.Dapr;

/// <summary><see cref="IEventPublisher"/> over Dapr pub/sub; the sidecar wraps the JSON bytes in a CloudEvent.</summary>
internal sealed class DaprEventPublisher(DaprClient client, IOptions<DaprMessagingOptions> options) : IEventPublisher
{
    private readonly string _pubSubName = options.Value.PubSubName;

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);

        // Not wrapped in a retry: publishing is covered by the sidecar's own resiliency policy.
        return client.PublishByteEventAsync(_pubSubName, topic, data, "application/json", cancellationToken: cancellationToken);
    }
}
