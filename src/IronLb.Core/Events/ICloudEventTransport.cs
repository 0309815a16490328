namespace IronLb.Core.Events;

/// <summary>Publishes a finished CloudEvent envelope to a pub/sub component unchanged: the port the Dapr adapter implements.</summary>
public interface ICloudEventTransport
{
    /// <summary>Publishes <paramref name="cloudEvent"/> (structured JSON) to <paramref name="topic"/> of <paramref name="pubSub"/>.</summary>
    Task PublishAsync(string pubSub, string topic, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken);
}
