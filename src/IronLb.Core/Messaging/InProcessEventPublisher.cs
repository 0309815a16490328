using Microsoft.Extensions.Options;

namespace IronLb.Core.Messaging;

/// <summary>Publishes onto the <see cref="InProcessBroker"/>, stamping each event with a fresh id and this app as source.</summary>
internal sealed class InProcessEventPublisher(InProcessBroker broker, IOptions<InProcessMessagingOptions> options) : IEventPublisher
{
    private readonly string _source = options.Value.AppId;

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);

        // Copied because the caller owns the buffer and may reuse it while the event waits in a queue.
        var envelope = new EventEnvelope(Guid.NewGuid().ToString("N"), topic, _source, data.ToArray());
        return broker.PublishAsync(envelope, cancellationToken);
    }
}
