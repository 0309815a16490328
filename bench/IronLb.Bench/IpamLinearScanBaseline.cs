using IronLb.Ipam.Allocation;

namespace IronLb.Bench;

/// <summary>
/// The baseline: first-fit by walking the pool from its first address and taking the first one not in use,
/// which is how MetalLB's allocator searches a pool (it tries each address of each CIDR in turn). Kept lean
/// (integer keys, no sharing checks) so the comparison flatters the baseline, not IronLB.
/// </summary>
internal sealed class IpamLinearScanBaseline(UInt128 first, UInt128 last, bool avoidBuggyIps)
{
    private readonly Dictionary<UInt128, ServiceKey> _inUse = [];
    private readonly Dictionary<ServiceKey, UInt128> _byService = [];

    public int Count => _byService.Count;

    public bool TryAllocate(ServiceKey service, out UInt128 address)
    {
        for (var candidate = first; candidate <= last; candidate++)
        {
            if (avoidBuggyIps && (byte)candidate is 0 or 255)
            {
                continue;
            }

            if (_inUse.TryAdd(candidate, service))
            {
                _byService[service] = candidate;
                address = candidate;
                return true;
            }

            if (candidate == last)
            {
                break;
            }
        }

        address = default;
        return false;
    }

    public void Release(ServiceKey service)
    {
        if (_byService.Remove(service, out var address))
        {
            _inUse.Remove(address);
        }
    }

    public bool TryGet(ServiceKey service, out UInt128 address) => _byService.TryGetValue(service, out address);
}
