namespace IronLb.Core.Events;

/// <summary>The public event stream; bound from the configuration section "Events" and checked at start.</summary>
public sealed class EventsOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Events";

    /// <summary>The topic the events go to. Default "ironlb.events.v1".</summary>
    public string Topic { get; set; } = "ironlb.events.v1";

    /// <summary>The Dapr pub/sub component the events are published through; null or empty publishes them only on the
    /// process's own stream (GET /events). Default null.</summary>
    public string? PubSub { get; set; }

    /// <summary>Events the process keeps for a new /events reader and for the Dapr forwarder while the sidecar is away. Default 4096.</summary>
    public int BufferSize { get; set; } = 4096;

    /// <summary>Publish attempts per event before the forwarder gives up on it (the loss then shows as a gap). Default 8.</summary>
    public int MaxPublishAttempts { get; set; } = 8;

    /// <summary>The first retry delay of a failed publish; it doubles per attempt up to 30 s. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>This instance's name in each event's source ("/ironlb/SERVICE/INSTANCE"). Default: Node:Name, else $POD_NAME, else the host name.</summary>
    public string? Instance { get; set; }

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Topic) || Topic.Any(char.IsWhiteSpace))
        {
            yield return "Events:Topic must be a non-empty name without spaces.";
        }

        if (PubSub is { Length: > 0 } pubsub && pubsub.Any(char.IsWhiteSpace))
        {
            yield return "Events:PubSub must be a component name without spaces.";
        }

        if (BufferSize is < 16 or > 1_000_000)
        {
            yield return "Events:BufferSize must be between 16 and 1000000.";
        }

        if (MaxPublishAttempts is < 1 or > 100)
        {
            yield return "Events:MaxPublishAttempts must be between 1 and 100.";
        }

        if (RetryDelay <= TimeSpan.Zero || RetryDelay > TimeSpan.FromSeconds(30))
        {
            yield return "Events:RetryDelay must be positive and at most 30 s.";
        }

        if (Instance is { } instance && (instance.Length == 0 || instance.Contains('/', StringComparison.Ordinal)))
        {
            yield return "Events:Instance must be non-empty and contain no '/'.";
        }
    }
}
