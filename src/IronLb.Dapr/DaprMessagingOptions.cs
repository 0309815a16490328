namespace IronLb.Dapr;

/// <summary>How a service reaches its Dapr sidecar; bound from the configuration section "Dapr".</summary>
public sealed class DaprMessagingOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Dapr";

    /// <summary>Name of the state store component. Default "statestore".</summary>
    public string StateStoreName { get; set; } = "statestore";

    /// <summary>Name of the pub/sub component. Default "pubsub".</summary>
    public string PubSubName { get; set; } = "pubsub";

    /// <summary>How long start-up waits for the sidecar to report healthy before failing. Default 60 s.</summary>
    public TimeSpan SidecarWaitTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The sidecar's gRPC endpoint; null keeps the SDK's own choice (DAPR_GRPC_ENDPOINT, DAPR_GRPC_PORT, 50001). Default null.</summary>
    public string? GrpcEndpoint { get; set; }

    /// <summary>The sidecar's HTTP endpoint; null keeps the SDK's own choice (DAPR_HTTP_ENDPOINT, DAPR_HTTP_PORT, 3500). Default null.</summary>
    public string? HttpEndpoint { get; set; }

    /// <summary>Token sent to the sidecar as dapr-api-token; null keeps the SDK's own choice (DAPR_API_TOKEN). Default null.</summary>
    public string? DaprApiToken { get; set; }

    /// <summary>Token the sidecar must present on calls into the app; null reads APP_API_TOKEN, empty turns the check off. Default null.</summary>
    public string? AppApiToken { get; set; }

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(StateStoreName))
        {
            yield return "Dapr:StateStoreName must not be empty.";
        }

        if (string.IsNullOrWhiteSpace(PubSubName))
        {
            yield return "Dapr:PubSubName must not be empty.";
        }

        if (SidecarWaitTimeout <= TimeSpan.Zero)
        {
            yield return "Dapr:SidecarWaitTimeout must be positive.";
        }

        foreach (var (name, value) in new[] { ("GrpcEndpoint", GrpcEndpoint), ("HttpEndpoint", HttpEndpoint) })
        {
            if (value is not null && !Uri.TryCreate(value, UriKind.Absolute, out _))
            {
                yield return $"Dapr:{name} must be an absolute URI.";
            }
        }
    }
}
