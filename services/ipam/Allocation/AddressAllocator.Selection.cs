using IronLb.Core.Configuration;
namespace IronLb.Ipam.Allocation;

/// <summary>How a Service gets addresses: explicit request, named pool, or MetalLB's pool order.</summary>
internal sealed partial class AddressAllocator
{
    /// <summary>
    /// Gives the Service addresses following MetalLB's order: requested addresses; else the requested pool;
    /// else the autoAssign pools whose serviceAllocation admits it (by priority), then the unrestricted ones.
    /// A Service that already holds addresses keeps them.
    /// </summary>
    public AllocationOutcome Allocate(AllocationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_assignments.TryGetValue(request.Service, out var existing))
        {
            return new(existing, null);
        }

        if (request.RequestedAddresses.Count > 0)
        {
            return AssignRequested(request);
        }

        if (request.RequestedPool is { } poolName)
        {
            if (!_poolsByName.TryGetValue(poolName, out var named))
            {
                return AllocationOutcome.Fail($"the requested IPAddressPool {poolName} does not exist");
            }

            if (!named.Definition.Admits(request))
            {
                return AllocationOutcome.Fail($"IPAddressPool {poolName} does not serve this Service (its serviceAllocation excludes it)");
            }

            return TryPools([named], request, out var fromNamed)
                ? new(fromNamed, null)
                : AllocationOutcome.Fail($"IPAddressPool {poolName} is exhausted: no free {FamilyText(request)} address this Service may use");
        }

        // Most installations have no scoped pools; skip building the list then, as this is the hot path.
        var pinned = _scopedPools.Length == 0 ? _scopedPools : _scopedPools.Where(p => p.Definition.Admits(request)).ToArray();
        if (TryPools(pinned, request, out var assignment) || TryPools(_generalPools, request, out assignment))
        {
            return new(assignment, null);
        }

        var eligible = pinned.Concat(_generalPools).Where(p => request.Families.Any(p.Space.HasFamily)).Select(p => p.Definition.Name).ToArray();
        return eligible.Length == 0
            ? AllocationOutcome.Fail($"no autoAssign IPAddressPool with {FamilyText(request)} addresses serves this Service")
            : AllocationOutcome.Fail($"every eligible IPAddressPool is exhausted ({string.Join(", ", eligible)}): no free {FamilyText(request)} address this Service may use");
    }

    /// <summary>
    /// Takes back an assignment read from the state store if it is still valid under the current configuration
    /// and request; otherwise returns why not, and the caller releases and reallocates.
    /// </summary>
    public AllocationOutcome Restore(AllocationRequest request, IReadOnlyList<IpAddressValue> addresses)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(addresses);
        Release(request.Service);
        if (addresses.Count == 0)
        {
            return AllocationOutcome.Fail("no addresses were stored");
        }

        var families = addresses.Select(a => a.Family).ToArray();
        if (families.Distinct().Count() != families.Length || families.Any(f => !request.Families.Contains(f)))
        {
            return AllocationOutcome.Fail("the stored addresses no longer match the Service's IP families");
        }

        if (request.Policy != FamilyPolicy.PreferDualStack && families.Length != request.Families.Count)
        {
            return AllocationOutcome.Fail("the stored addresses no longer match the Service's IP family policy");
        }

        if (request.RequestedAddresses.Count > 0 && !request.RequestedAddresses.Order().SequenceEqual(addresses.Order()))
        {
            return AllocationOutcome.Fail("the Service now requests other addresses");
        }

        var checkedOutcome = CheckExplicit(request, addresses, out var pool);
        if (!checkedOutcome.Succeeded && checkedOutcome.Error is not null)
        {
            return checkedOutcome;
        }

        return new(Commit(request, pool!, addresses), null);
    }

    /// <summary>
    /// Gives a PreferDualStack Service that holds one family the other from the same pool, once that pool can
    /// (MetalLB's AllocateFromPoolForAdditionalFamily). Call after every held allocation is restored, so the
    /// extra address never takes one another Service still holds.
    /// </summary>
    public void CompleteDualStack(AllocationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Policy != FamilyPolicy.PreferDualStack || !request.IsDualStack
            || !_assignments.TryGetValue(request.Service, out var held) || held.Addresses.Count != 1)
        {
            return;
        }

        var pool = _poolsByName[held.Pool];
        var missing = request.Families.First(f => f != held.Addresses[0].Family);
        if (TryCandidate(pool, missing, request, out var extra))
        {
            var both = request.Families.Select(f => f == missing ? extra : held.Addresses[0]).ToArray();
            Release(request.Service);
            Commit(request, pool, both);
        }
    }

    private AllocationOutcome AssignRequested(AllocationRequest request)
    {
        var outcome = CheckExplicit(request, request.RequestedAddresses, out var pool);
        return outcome.Error is not null ? outcome : new(Commit(request, pool!, request.RequestedAddresses), null);
    }

    /// <summary>Checks fixed addresses against pools, the requested pool, the pool's scope and sharing (MetalLB's Assign).</summary>
    private AllocationOutcome CheckExplicit(AllocationRequest request, IReadOnlyList<IpAddressValue> addresses, out PoolState? pool)
    {
        pool = _poolsInNameOrder.FirstOrDefault(p => addresses.All(p.Space.Contains));
        if (pool is null)
        {
            foreach (var address in addresses)
            {
                var avoided = _poolsInNameOrder.FirstOrDefault(p => p.Space.Ranges.Any(r => r.Contains(address)) && !p.Space.Contains(address));
                if (avoided is not null)
                {
                    return AllocationOutcome.Fail($"address {address} ends in .0 or .255 and IPAddressPool {avoided.Definition.Name} has avoidBuggyIPs");
                }

                if (!_poolsInNameOrder.Any(p => p.Space.Contains(address)))
                {
                    return AllocationOutcome.Fail($"requested address {address} is outside every IPAddressPool");
                }
            }

            return AllocationOutcome.Fail($"requested addresses {string.Join(", ", addresses)} are not all in one IPAddressPool");
        }

        if (request.RequestedPool is { } wanted && !string.Equals(wanted, pool.Definition.Name, StringComparison.Ordinal))
        {
            return AllocationOutcome.Fail($"requested addresses are in IPAddressPool {pool.Definition.Name}, not in the requested pool {wanted}");
        }

        if (!pool.Definition.Admits(request))
        {
            return AllocationOutcome.Fail($"IPAddressPool {pool.Definition.Name} does not serve this Service (its serviceAllocation excludes it)");
        }

        foreach (var address in addresses)
        {
            if (SharingConflict(request, address) is { } conflict)
            {
                return AllocationOutcome.Fail(conflict);
            }
        }

        return default;
    }

    /// <summary>
    /// MetalLB's findBestPoolForService: the first pool that covers every family the Service needs; for
    /// PreferDualStack without such a pool, the first with the primary family, else the first with the other.
    /// </summary>
    private bool TryPools(IReadOnlyList<PoolState> pools, AllocationRequest request, out AddressAssignment? assignment)
    {
        (PoolState Pool, IpAddressValue Address)? primaryOnly = null;
        (PoolState Pool, IpAddressValue Address)? secondaryOnly = null;
        foreach (var pool in pools)
        {
            var hasPrimary = TryCandidate(pool, request.Families[0], request, out var primary);
            if (!request.IsDualStack)
            {
                if (hasPrimary)
                {
                    assignment = Commit(request, pool, [primary]);
                    return true;
                }

                continue;
            }

            var hasSecondary = TryCandidate(pool, request.Families[1], request, out var secondary);
            if (hasPrimary && hasSecondary)
            {
                assignment = Commit(request, pool, [primary, secondary]);
                return true;
            }

            if (request.Policy == FamilyPolicy.PreferDualStack)
            {
                primaryOnly ??= hasPrimary ? (pool, primary) : null;
                secondaryOnly ??= hasSecondary ? (pool, secondary) : null;
            }
        }

        if ((primaryOnly ?? secondaryOnly) is var (single, address))
        {
            assignment = Commit(request, single, [address]);
            return true;
        }

        assignment = null;
        return false;
    }

    /// <summary>
    /// The first address of the family in the pool the Service may use, in MetalLB's walk order: the first free one,
    /// or one before it already in use by Services it may share with (MetalLB walks the pool and takes the first
    /// address that passes checkSharing; this reaches the same answer without the walk).
    /// </summary>
    private bool TryCandidate(PoolState pool, IpFamily family, AllocationRequest request, out IpAddressValue address)
    {
        var hasFree = pool.Space.TryGetFirstFree(family, out address);
        if (request.SharingKey is not { } key || !pool.Shared.TryGetValue(key, out var group))
        {
            return hasFree;
        }

        var best = hasFree ? pool.Space.WalkOrder(address) : (int.MaxValue, UInt128.MaxValue);
        var found = hasFree;
        foreach (var shared in group)
        {
            var order = pool.Space.WalkOrder(shared);
            if (shared.Family == family && order.CompareTo(best) < 0 && SharingConflict(request, shared) is null)
            {
                (address, best, found) = (shared, order, true);
            }
        }

        return found;
    }

    private static string FamilyText(AllocationRequest request) =>
        request.IsDualStack && request.Policy == FamilyPolicy.RequireDualStack
            ? "IPv4 and IPv6"
            : string.Join(" or ", request.Families.Select(f => f.KubernetesName()));
}
