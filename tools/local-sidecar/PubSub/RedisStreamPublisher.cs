using IronLb.LocalSidecar.Components;
using IronLb.LocalSidecar.Hosting;
using StackExchange.Redis;

namespace IronLb.LocalSidecar.PubSub;

/// <summary>Publishes like pubsub.redis: XADD to the stream named after the topic, the envelope in field "data",
/// trimmed with MAXLEN ~ maxLenApprox when set
/// (https://docs.dapr.io/reference/components-reference/supported-pubsub/setup-redis-pubsub/).</summary>
internal sealed class RedisStreamPublisher(RedisConnections redis)
{
    public const string DataField = "data";

    public async Task PublishAsync(PubSubComponent component, string topic, byte[] envelope)
    {
        ArgumentNullException.ThrowIfNull(component);
        var database = await redis.GetDatabaseAsync(component.RedisHost).ConfigureAwait(false);
        await database.StreamAddAsync(
            topic,
            DataField,
            envelope,
            messageId: null,
            maxLength: component.MaxLenApprox is { } max ? checked((int)max) : null,
            useApproximateMaxLength: component.MaxLenApprox is not null).ConfigureAwait(false);
    }
}
