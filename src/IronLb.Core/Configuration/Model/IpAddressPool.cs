namespace IronLb.Core.Configuration;

/// <summary>metallb.io/v1beta1 IPAddressPool: addresses MetalLB may hand to Services.</summary>
public sealed record IpAddressPool() : ManifestObject(KindName)
{
    public const string KindName = "IPAddressPool";

    public IpAddressPoolSpec Spec { get; init; } = new();
}

/// <summary>The spec of an IPAddressPool.</summary>
public sealed record IpAddressPoolSpec
{
    /// <summary>CIDR prefixes ("203.0.113.0/27") or start-end ranges ("198.51.100.64-198.51.100.127"), as written.</summary>
    public ValueList<string> Addresses { get; init; } = [];

    /// <summary>Whether addresses are handed out to Services that do not ask for this pool; default true.</summary>
    public bool AutoAssign { get; init; } = true;

    /// <summary>Skip IPv4 addresses ending in .0 and .255; default false.</summary>
    public bool AvoidBuggyIps { get; init; }

    /// <summary>Limits the pool to some namespaces or Services; null when unrestricted.</summary>
    public ServiceAllocation? ServiceAllocation { get; init; }
}

/// <summary>Which Services a pool serves, and with what priority (lower wins; unset is tried last).</summary>
public sealed record ServiceAllocation
{
    /// <summary>The pool's priority; null when not set.</summary>
    public int? Priority { get; init; }

    public ValueList<string> Namespaces { get; init; } = [];

    public ValueList<LabelSelector> NamespaceSelectors { get; init; } = [];

    public ValueList<LabelSelector> ServiceSelectors { get; init; } = [];
}
