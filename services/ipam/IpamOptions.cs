namespace IronLb.Ipam;

/// <summary>Tunables of the ipam service, bound from the "Ipam" configuration section.</summary>
public sealed class IpamOptions
{
    /// <summary>A folder of MetalLB manifests to read the configuration from. Default: none.</summary>
    public string? ConfigDirectory { get; set; }

    /// <summary>How often the folder is checked for changes besides file-system notifications. Default: 2 s.</summary>
    public TimeSpan ConfigPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Only Services of this spec.loadBalancerClass are handled; null (the default) means Services without one.</summary>
    public string? LoadBalancerClass { get; set; }
}
