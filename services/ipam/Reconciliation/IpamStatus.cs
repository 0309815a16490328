using System.Globalization;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;
using IronLb.ServiceDefaults;

namespace IronLb.Ipam.Reconciliation;

/// <summary>The ipam part of /status: every Service's addresses (or why it has none) and each pool's used and free counts.</summary>
internal sealed class IpamStatus : IStatusContributor
{
    private volatile object _last = new { configVersion = 0L, services = Array.Empty<object>(), pools = Array.Empty<object>() };

    private volatile IReadOnlyList<PoolStatus> _pools = [];

    public string Section => "ipam";

    /// <summary>Each pool's counts as of the last reconcile.</summary>
    public IReadOnlyList<PoolStatus> Pools => _pools;

    public void Update(long configVersion, ReconcileResult result)
    {
        _pools = result.Pools;
        _last = Describe(configVersion, result);
    }

    private static object Describe(long configVersion, ReconcileResult result) => new
    {
        configVersion,
        allocationVersion = result.AllocationVersion,
        intentsVersion = result.IntentsVersion,
        services = result.Plans.Select(p => new
        {
            @namespace = p.Namespace,
            name = p.Name,
            addresses = p.Addresses,
            pool = p.Pool,
            error = p.Error,
        }).ToList(),
        pools = result.Pools.Select(p => new
        {
            pool = p.Pool,
            usedV4 = Count(p.AssignedIPv4),
            freeV4 = Count(p.AvailableIPv4),
            usedV6 = Count(p.AssignedIPv6),
            freeV6 = Count(p.AvailableIPv6),
        }).ToList(),
    };

    object IStatusContributor.Snapshot() => _last;

    // An IPv6 pool can hold more addresses than a JSON number carries exactly: counts are decimal strings.
    private static string Count(UInt128 value) => value.ToString(CultureInfo.InvariantCulture);
}
