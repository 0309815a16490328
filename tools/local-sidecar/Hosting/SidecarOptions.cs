namespace IronLb.LocalSidecar.Hosting;

/// <summary>Everything the sidecar is started with: the command line plus the two token variables.</summary>
internal sealed class SidecarOptions
{
    /// <summary>The application id (required). Default key prefix, default consumer group and CloudEvent source.</summary>
    public string AppId { get; set; } = "";

    /// <summary>Port of the application's HTTP server on 127.0.0.1, or null when the app takes no calls.</summary>
    public int? AppPort { get; set; }

    /// <summary>Protocol of the app channel. Only "http" is served.</summary>
    public string AppProtocol { get; set; } = "http";

    /// <summary>Port of the Dapr gRPC API. Default 50001, as daprd.</summary>
    public int GrpcPort { get; set; } = 50001;

    /// <summary>Port of the Dapr HTTP API. Default 3500, as daprd.</summary>
    public int HttpPort { get; set; } = 3500;

    /// <summary>Redis for the default components when no resources path is given. Default 127.0.0.1:6379.</summary>
    public string Redis { get; set; } = "127.0.0.1:6379";

    /// <summary>Folder of component and resiliency YAML files, or null for the default components.</summary>
    public string? ResourcesPath { get; set; }

    /// <summary>Pod name for the {podName} template tag. Default: env POD_NAME; when neither is set a component using {podName} is refused, as daprd does.</summary>
    public string? PodName { get; set; }

    /// <summary>Namespace for the {namespace} tag and the "namespace" key prefix. Default: env NAMESPACE.</summary>
    public string? Namespace { get; set; }

    /// <summary>Address both listeners bind to. Default 127.0.0.1.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>When set, callers must send it as header dapr-api-token (env DAPR_API_TOKEN).</summary>
    public string? DaprApiToken { get; set; }

    /// <summary>When set, sent as header dapr-api-token on every call into the app (env APP_API_TOKEN).</summary>
    public string? AppApiToken { get; set; }

    /// <summary>Timeout of one call into the app (subscribe discovery or one delivery). Default 30 s.</summary>
    public TimeSpan AppCallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the app is probed until it answers /dapr/subscribe. Default 500 ms.</summary>
    public TimeSpan AppProbeInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the app may take to become reachable before the sidecar gives up on it. Default 10 min.</summary>
    public TimeSpan AppStartTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Pause between two empty stream reads (Dapr blocks in XREADGROUP instead). Default 50 ms.</summary>
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The prefix of this process's consumer names: the pod name, else the app id (templates never fall back).</summary>
    public string EffectivePodName => string.IsNullOrEmpty(PodName) ? AppId : PodName;

    /// <summary>Fails fast on a configuration the sidecar cannot serve.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(AppId))
        {
            throw new ArgumentException("--app-id is required");
        }

        if (!string.Equals(AppProtocol, "http", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"--app-protocol {AppProtocol} is not served; only http");
        }

        foreach (var (name, port) in new[] { ("--dapr-grpc-port", (int?)GrpcPort), ("--dapr-http-port", HttpPort), ("--app-port", AppPort) })
        {
            if (port is < 0 or > 65535)
            {
                throw new ArgumentException($"{name} {port} is not a port");
            }
        }

        if (ResourcesPath is not null && !Directory.Exists(ResourcesPath))
        {
            throw new ArgumentException($"--resources-path {ResourcesPath} does not exist");
        }
    }
}
