using IronLb.Ipam.Kubernetes;

namespace IronLb.Ipam;

/// <summary>Tunables of the ipam service, bound from the "Ipam" configuration section.</summary>
public sealed class IpamOptions
{
    /// <summary>A folder of MetalLB manifests to read the configuration from; excludes <see cref="Kubernetes"/>. Default: none.</summary>
    public string? ConfigDirectory { get; set; }

    /// <summary>How often the folder is checked for changes besides file-system notifications. Default: 2 s.</summary>
    public TimeSpan ConfigPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often allocations are reconciled even without a configuration change. Default: 30 s.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A node to add when the manifests define no Node of that name, so a single host without Node manifests still
    /// announces (with no labels, it matches only advertisements without nodeSelectors). Default: none.
    /// </summary>
    public string? ImplicitNode { get; set; }

    /// <summary>Kubernetes mode ("Ipam:Kubernetes"): read from the API server and write Service status. Default: off.</summary>
    public KubernetesSourceOptions Kubernetes { get; set; } = new();
}
