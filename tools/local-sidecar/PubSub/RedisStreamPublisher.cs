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

    /// <summary>The Redis pub/sub channel that tells local sidecars a topic has a new entry. Not part of
    /// pubsub.redis: entries published by daprd are still found, by polling.</summary>
    public static RedisChannel WakeChannel(string topic) => RedisChannel.Literal("ironlb-local-sidecar:wake:" + topic);

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

        // Fire and forget: a lost wake-up only costs the consumers one poll interval.
        await database.Multiplexer.GetSubscriber().PublishAsync(WakeChannel(topic), "1", CommandFlags.FireAndForget).ConfigureAwait(false);
    }
}
