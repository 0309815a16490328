using IronLb.Core.Configuration;

namespace IronLb.Ipam.Allocation;

/// <summary>Per-family facts used by the address arithmetic, on the one <see cref="IpFamily"/> the configuration model defines.</summary>
internal static class IpFamilies
{
    public static int Bits(this IpFamily family) => family == IpFamily.IPv4 ? 32 : 128;

    public static UInt128 MaxValue(this IpFamily family) => family == IpFamily.IPv4 ? uint.MaxValue : UInt128.MaxValue;

    /// <summary>Kubernetes' spelling of the family in spec.ipFamilies.</summary>
    public static string KubernetesName(this IpFamily family) => family == IpFamily.IPv4 ? "IPv4" : "IPv6";
}
