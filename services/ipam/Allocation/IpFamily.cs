namespace IronLb.Ipam.Allocation;

/// <summary>An IP address family; IPv4 and IPv6 are separate address spaces.</summary>
public enum IpFamily
{
    /// <summary>32-bit addresses.</summary>
    IPv4,

    /// <summary>128-bit addresses.</summary>
    IPv6,
}

/// <summary>Per-family facts used by the address arithmetic.</summary>
internal static class IpFamilies
{
    public static int Bits(this IpFamily family) => family == IpFamily.IPv4 ? 32 : 128;

    public static UInt128 MaxValue(this IpFamily family) => family == IpFamily.IPv4 ? uint.MaxValue : UInt128.MaxValue;

    /// <summary>Kubernetes' spelling of the family in spec.ipFamilies.</summary>
    public static string KubernetesName(this IpFamily family) => family == IpFamily.IPv4 ? "IPv4" : "IPv6";
}
