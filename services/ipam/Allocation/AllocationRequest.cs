using IronLb.Core.Configuration;
namespace IronLb.Ipam.Allocation;

/// <summary>spec.ipFamilyPolicy of a Service.</summary>
public enum FamilyPolicy
{
    /// <summary>One address, of the first family.</summary>
    SingleStack,

    /// <summary>Both families when the pool has both, otherwise one.</summary>
    PreferDualStack,

    /// <summary>Both families from one pool, or nothing.</summary>
    RequireDualStack,
}

/// <summary>One protocol/port pair a Service exposes: the unit two Services sharing an address must not both use.</summary>
/// <param name="Protocol">TCP, UDP or SCTP.</param>
/// <param name="Port">The port number.</param>
public readonly record struct PortKey(string Protocol, int Port);

/// <summary>Everything the allocator needs to know about one Service, already read from its spec and annotations.</summary>
/// <param name="Service">Namespace and name.</param>
/// <param name="RequestedAddresses">spec.loadBalancerIP or metallb.io/loadBalancerIPs: at most one per family.</param>
/// <param name="RequestedPool">metallb.io/address-pool, or null.</param>
/// <param name="Policy">spec.ipFamilyPolicy.</param>
/// <param name="Families">The families to serve, in preference order; two means dual stack.</param>
/// <param name="SharingKey">metallb.io/allow-shared-ip, or null when the Service does not share.</param>
/// <param name="BackendKey">For externalTrafficPolicy Local, the pod selector (sharers must pick the same pods); otherwise "".</param>
/// <param name="Ports">The ports it exposes.</param>
/// <param name="Labels">The Service's labels, for serviceSelectors.</param>
/// <param name="NamespaceLabels">Its namespace's labels, for namespaceSelectors; empty when unknown.</param>
internal sealed record AllocationRequest(
    ServiceKey Service,
    IReadOnlyList<IpAddressValue> RequestedAddresses,
    string? RequestedPool,
    FamilyPolicy Policy,
    IReadOnlyList<IpFamily> Families,
    string? SharingKey,
    string BackendKey,
    IReadOnlyList<PortKey> Ports,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> NamespaceLabels)
{
    private static readonly Dictionary<string, string> NoLabels = [];

    /// <summary>A plain single-stack request with no ports, labels or sharing: what benchmarks and simple tests need.</summary>
    public static AllocationRequest Simple(ServiceKey service, IpFamily family = IpFamily.IPv4) =>
        new(service, [], null, FamilyPolicy.SingleStack, [family], null, "", [], NoLabels, NoLabels);

    public bool IsDualStack => Families.Count == 2;
}

/// <summary>The addresses one Service holds, and what decides who may share them.</summary>
/// <param name="Service">The Service.</param>
/// <param name="Pool">The pool the addresses come from (written as metallb.io/ip-allocated-from-pool).</param>
/// <param name="Addresses">One or two addresses, at most one per family, primary family first.</param>
/// <param name="SharingKey">The allow-shared-ip key it was assigned with, or null.</param>
/// <param name="BackendKey">The backend key it was assigned with.</param>
/// <param name="Ports">The ports it was assigned with.</param>
internal sealed record AddressAssignment(
    ServiceKey Service,
    string Pool,
    IReadOnlyList<IpAddressValue> Addresses,
    string? SharingKey,
    string BackendKey,
    IReadOnlyList<PortKey> Ports);

/// <summary>What one allocation attempt gave: an assignment, or the reason there is none.</summary>
internal readonly record struct AllocationOutcome(AddressAssignment? Assignment, string? Error)
{
    public bool Succeeded => Assignment is not null;

    public static AllocationOutcome Fail(string error) => new(null, error);
}

/// <summary>A pool's address counters, per family, as MetalLB reports them in IPAddressPool status.</summary>
/// <param name="Pool">The pool's name.</param>
/// <param name="AssignedIPv4">Distinct IPv4 addresses in use.</param>
/// <param name="AvailableIPv4">IPv4 addresses still free (buggy ones excluded when avoided).</param>
/// <param name="AssignedIPv6">Distinct IPv6 addresses in use.</param>
/// <param name="AvailableIPv6">IPv6 addresses still free, saturating at UInt128.MaxValue.</param>
public sealed record PoolStatus(string Pool, UInt128 AssignedIPv4, UInt128 AvailableIPv4, UInt128 AssignedIPv6, UInt128 AvailableIPv6);
