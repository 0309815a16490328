using IronLb.Testing;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>Writes Dapr Component and Resiliency YAML into a temp directory for --resources-path.</summary>
/// <remarks>
/// An inbound retry policy gives RETRY the same bounded attempts the in-process bus makes, so the
/// two transports can be held to one contract. processingTimeout (redelivery of events a crashed
/// consumer left pending) is kept well above any handling time in the suite, even on a loaded
/// machine, so it never adds a delivery the exact-count assertions would trip over.
/// </remarks>
internal static class DaprResources
{
    /// <summary>Attempts per delivery before a dead-letter topic takes it: the first plus the resiliency retries.</summary>
    public const int DeliveryAttempts = 3;

    public static string Write(RedisServer redis, string consumerId)
    {
        // The caller owns the folder and deletes it; ComponentFiles only writes the shared component YAML.
        var directory = Sidecar.Infrastructure.ComponentFiles.Standard(redis.Host, consumerId, keyPrefix: "none", processingTimeoutMs: 10_000, redeliverIntervalMs: 500).Directory;
        File.WriteAllText(Path.Combine(directory, "resiliency.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: contract
            spec:
              policies:
                retries:
                  inboundRetry:
                    policy: constant
                    duration: 50ms
                    maxRetries: {DeliveryAttempts - 1}
              targets:
                components:
                  pubsub:
                    inbound:
                      retry: inboundRetry
            """);
        return directory;
    }
}
