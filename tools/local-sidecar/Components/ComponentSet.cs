namespace IronLb.LocalSidecar.Components;

/// <summary>A state.redis component: where its keys live and how they are prefixed.</summary>
/// <param name="Name">metadata.name, as the app addresses it.</param>
/// <param name="RedisHost">redisHost, host:port.</param>
/// <param name="KeyPrefix">keyPrefix: appid (default), name, namespace, none, or a literal prefix.</param>
internal sealed record StateStoreComponent(string Name, string RedisHost, string KeyPrefix);

/// <summary>A pubsub.redis component: the stream bus and how this app consumes it.</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="RedisHost">redisHost, host:port.</param>
/// <param name="ConsumerId">consumerID after template expansion: the Redis consumer group.</param>
/// <param name="ProcessingTimeout">How long a message may stay pending before it is redelivered; zero disables redelivery.</param>
/// <param name="RedeliverInterval">How often pending messages are checked; zero disables redelivery.</param>
/// <param name="MaxLenApprox">XADD MAXLEN ~ bound of each stream, or null for unbounded.</param>
/// <param name="InboundRetry">The resiliency retry policy for deliveries into the app, or null.</param>
internal sealed record PubSubComponent(
    string Name,
    string RedisHost,
    string ConsumerId,
    TimeSpan ProcessingTimeout,
    TimeSpan RedeliverInterval,
    long? MaxLenApprox,
    RetryPolicy? InboundRetry)
{
    /// <summary>Dapr's default processingTimeout (15 s).</summary>
    public static readonly TimeSpan DefaultProcessingTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Dapr's default redeliverInterval (60 s).</summary>
    public static readonly TimeSpan DefaultRedeliverInterval = TimeSpan.FromSeconds(60);

    /// <summary>True unless processingTimeout or redeliverInterval is zero, which switches redelivery off in Dapr too.</summary>
    public bool RedeliveryEnabled => ProcessingTimeout > TimeSpan.Zero && RedeliverInterval > TimeSpan.Zero;
}

/// <summary>A resiliency retry policy (spec.policies.retries.NAME).</summary>
/// <param name="Exponential">policy: exponential (else constant).</param>
/// <param name="Duration">Constant interval between attempts.</param>
/// <param name="MaxInterval">Cap of the exponential interval.</param>
/// <param name="MaxRetries">Retries after the first attempt; -1 (forever) is capped at <see cref="RetryCap"/>.</param>
internal sealed record RetryPolicy(bool Exponential, TimeSpan Duration, TimeSpan MaxInterval, int MaxRetries)
{
    /// <summary>The sidecar never retries one delivery more often than this, even for maxRetries -1.</summary>
    public const int RetryCap = 100;

    /// <summary>First exponential interval, as Dapr's backoff (500 ms, multiplied by 1.5 each retry).</summary>
    public static readonly TimeSpan InitialInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Number of retries actually made.</summary>
    public int EffectiveRetries => MaxRetries < 0 || MaxRetries > RetryCap ? RetryCap : MaxRetries;

    /// <summary>Wait before retry number <paramref name="retry"/> (1-based).</summary>
    public TimeSpan DelayBefore(int retry)
    {
        if (!Exponential)
        {
            return Duration;
        }

        // Deterministic: Dapr adds ±50% jitter; a lab sidecar is easier to reason about without it.
        var ms = InitialInterval.TotalMilliseconds * Math.Pow(1.5, retry - 1);
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxInterval.TotalMilliseconds));
    }
}

/// <summary>The components this app may use, by name.</summary>
internal sealed class ComponentSet(
    IReadOnlyDictionary<string, StateStoreComponent> stateStores,
    IReadOnlyDictionary<string, PubSubComponent> pubSubs,
    IReadOnlyList<string>? unsupported = null,
    IReadOnlyDictionary<string, Secrets.LocalFileSecretStore>? secretStores = null)
{
    /// <summary>The secretstores.local.file components, by name.</summary>
    public IReadOnlyDictionary<string, Secrets.LocalFileSecretStore> SecretStores { get; } = secretStores ?? new Dictionary<string, Secrets.LocalFileSecretStore>();

    /// <summary>"name (type)" of components in scope whose type this sidecar does not serve; logged at start.</summary>
    public IReadOnlyList<string> Unsupported { get; } = unsupported ?? [];

    public IReadOnlyDictionary<string, StateStoreComponent> StateStores { get; } = stateStores;

    public IReadOnlyDictionary<string, PubSubComponent> PubSubs { get; } = pubSubs;
}
