namespace IronLb.Core.Messaging;

/// <summary>Tunables of the in-process bus used when IronLB runs as a single process.</summary>
public sealed class InProcessMessagingOptions
{
    /// <summary>The name events carry as their source. Default "ironlb".</summary>
    public string AppId { get; set; } = "ironlb";

    /// <summary>Deliveries of one event to one consumer group before it counts as failed. Default 5.</summary>
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>Wait before the first redelivery; doubles on each further one. Default 200 ms.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Ceiling of the redelivery wait. Default 10 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Events a consumer group may hold before publishers wait (bounds memory). Default 1024.</summary>
    public int QueueCapacity { get; set; } = 1024;

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(AppId))
        {
            yield return "AppId must not be empty.";
        }

        if (MaxDeliveryAttempts < 1)
        {
            yield return "MaxDeliveryAttempts must be at least 1.";
        }

        if (InitialRetryDelay < TimeSpan.Zero || MaxRetryDelay < InitialRetryDelay)
        {
            yield return "Retry delays must satisfy 0 <= InitialRetryDelay <= MaxRetryDelay.";
        }

        if (QueueCapacity < 1)
        {
            yield return "QueueCapacity must be at least 1.";
        }
    }

    internal TimeSpan RetryDelay(int failedAttempts)
    {
        // Exponential backoff gives a struggling handler room without delaying a one-off hiccup.
        var factor = Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(InitialRetryDelay.Ticks * factor, MaxRetryDelay.Ticks));
        return delay;
    }
}
