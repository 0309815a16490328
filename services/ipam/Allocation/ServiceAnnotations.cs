namespace IronLb.Ipam.Allocation;

/// <summary>The Service annotations MetalLB defines, under the current metallb.io/ prefix and the legacy metallb.universe.tf/ one.</summary>
public static class ServiceAnnotations
{
    public const string Prefix = "metallb.io/";
    public const string LegacyPrefix = "metallb.universe.tf/";

    /// <summary>Comma-separated addresses to assign, at most one per family.</summary>
    public const string LoadBalancerIps = "loadBalancerIPs";

    /// <summary>The IPAddressPool to allocate from.</summary>
    public const string AddressPool = "address-pool";

    /// <summary>Services with equal keys may share an address when their ports do not clash.</summary>
    public const string AllowSharedIp = "allow-shared-ip";

    /// <summary>Written by the allocator: the pool the Service's addresses came from.</summary>
    public const string IpAllocatedFromPool = Prefix + "ip-allocated-from-pool";

    /// <summary>Reads an annotation under either prefix; the metallb.io/ spelling wins when both are present.</summary>
    public static string? Get(IReadOnlyDictionary<string, string> annotations, string name)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (annotations.TryGetValue(Prefix + name, out var value) || annotations.TryGetValue(LegacyPrefix + name, out value))
        {
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }

        return null;
    }
}
