namespace IronLb.Ipam.Kubernetes;

/// <summary>Kubernetes mode of ipam, bound from "Ipam:Kubernetes": read the configuration from the API server and write Service status back.</summary>
public sealed class KubernetesSourceOptions
{
    /// <summary>Read from the Kubernetes API instead of a manifests folder. Default: false.</summary>
    public bool Enabled { get; set; }

    /// <summary>A kubeconfig file to connect with. Default: none, which means in-cluster when KUBERNETES_SERVICE_HOST is set, else $KUBECONFIG or ~/.kube/config.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The namespace holding the metallb.io objects and the BGPPeer password Secrets. Default: "metallb-system".</summary>
    public string MetalLbNamespace { get; set; } = "metallb-system";

    /// <summary>How long a burst of watch events may last before one configuration is published for all of it. Default: 500 ms.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one watch request lasts before it is renewed from the last resourceVersion. Default: 5 min.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The first delay before a failed list, watch or publish is retried; it doubles, with jitter, up to <see cref="MaxRetryDelay"/>. Default: 1 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between retries. Default: 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a replica holds back a view older than the stored one (another replica's watches are ahead) before it
    /// stores it anyway, as after an etcd restore resourceVersions can go back. Default: 30 s.
    /// </summary>
    public TimeSpan MaxLag { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the node agents' reports are turned into ServiceL2Status and ServiceBGPStatus objects and Events. Default: 5 s.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Objects per list page. Default: 500.</summary>
    public int ListPageSize { get; set; } = 500;

    /// <summary>The problems with these settings, empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(MetalLbNamespace))
        {
            yield return "Ipam:Kubernetes:MetalLbNamespace must not be empty";
        }

        if (Kubeconfig is not null && !File.Exists(Kubeconfig))
        {
            yield return "Ipam:Kubernetes:Kubeconfig must be an existing file";
        }

        if (Debounce < TimeSpan.Zero || WatchTimeout < TimeSpan.FromSeconds(1) || RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay || MaxLag < TimeSpan.Zero)
        {
            yield return "Ipam:Kubernetes: Debounce and MaxLag must not be negative, WatchTimeout must be at least 1 s, RetryDelay positive and MaxRetryDelay at least RetryDelay";
        }

        if (StatusInterval <= TimeSpan.Zero)
        {
            yield return "Ipam:Kubernetes:StatusInterval must be positive";
        }

        if (ListPageSize < 1)
        {
            yield return "Ipam:Kubernetes:ListPageSize must be positive";
        }
    }
}
