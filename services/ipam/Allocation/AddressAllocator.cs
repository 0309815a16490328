using System.Runtime.InteropServices;
using IronLb.Core.Configuration;

namespace IronLb.Ipam.Allocation;

/// <summary>
/// MetalLB's address allocator as pure logic: pools, the addresses each Service holds, and who shares what.
/// Not thread-safe; one instance is one replica's in-memory view, rebuilt from the state store each reconcile.
/// </summary>
/// <remarks>
/// Finding an address costs O(log n) in the pool's free intervals plus, for a Service with a sharing key, the
/// size of that key's group: never a walk over the pool, which is what MetalLB's allocator does.
/// </remarks>
internal sealed partial class AddressAllocator
{
    private readonly Dictionary<string, PoolState> _poolsByName = new(StringComparer.Ordinal);
    private readonly PoolState[] _poolsInNameOrder;
    private readonly PoolState[] _generalPools;
    private readonly PoolState[] _scopedPools;
    private readonly Dictionary<ServiceKey, AddressAssignment> _assignments = [];
    private readonly Dictionary<IpAddressValue, Users> _users = [];

    public AddressAllocator(IEnumerable<AddressPoolDefinition> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        foreach (var pool in pools)
        {
            _poolsByName[pool.Name] = new PoolState(pool);
        }

        _poolsInNameOrder = [.. _poolsByName.Values.OrderBy(p => p.Definition.Name, StringComparer.Ordinal)];

        // MetalLB: Services first try the autoAssign pools whose serviceAllocation admits them, by priority, and
        // only then the autoAssign pools that have no serviceAllocation. Names break ties so runs repeat.
        _scopedPools = [.. _poolsInNameOrder.Where(p => p.Definition.AutoAssign && p.Definition.ServiceAllocation is not null)
            .OrderBy(p => p.Definition.PriorityRank)];
        _generalPools = [.. _poolsInNameOrder.Where(p => p.Definition.AutoAssign && p.Definition.ServiceAllocation is null)];
    }

    /// <summary>How many Services hold addresses.</summary>
    public int Count => _assignments.Count;

    public IEnumerable<AddressAssignment> Assignments => _assignments.Values;

    public bool TryGet(ServiceKey service, out AddressAssignment? assignment) => _assignments.TryGetValue(service, out assignment);

    /// <summary>The Services using an address (more than one only when they share it).</summary>
    public IReadOnlyList<ServiceKey> UsersOf(IpAddressValue address) =>
        _users.TryGetValue(address, out var users) ? users.All() : [];

    /// <summary>Frees every address the Service holds; false when it held none.</summary>
    public bool Release(ServiceKey service)
    {
        if (!_assignments.Remove(service, out var assignment))
        {
            return false;
        }

        var pool = _poolsByName[assignment.Pool];
        foreach (var address in assignment.Addresses)
        {
            ref var users = ref CollectionsMarshal.GetValueRefOrNullRef(_users, address);
            var remaining = users.Without(service);
            if (remaining is { } left)
            {
                users = left;
                continue;
            }

            _users.Remove(address);
            pool.Space.TryRelease(address);
            pool.CountAssigned(address.Family, -1);
            if (assignment.SharingKey is { } key && pool.Shared.TryGetValue(key, out var group))
            {
                group.Remove(address);
                if (group.Count == 0)
                {
                    pool.Shared.Remove(key);
                }
            }
        }

        return true;
    }

    /// <summary>Pool counters in pool-name order.</summary>
    public IReadOnlyList<PoolStatus> Status() =>
        [.. _poolsInNameOrder.Select(p => new PoolStatus(
            p.Definition.Name,
            p.AssignedV4,
            p.Space.Capacity(IpFamily.IPv4) - p.AssignedV4,
            p.AssignedV6,
            p.Space.Capacity(IpFamily.IPv6) == UInt128.MaxValue ? UInt128.MaxValue : p.Space.Capacity(IpFamily.IPv6) - p.AssignedV6))];

    /// <summary>Records an assignment already checked against pool, scope and sharing rules.</summary>
    private AddressAssignment Commit(AllocationRequest request, PoolState pool, IReadOnlyList<IpAddressValue> addresses)
    {
        var assignment = new AddressAssignment(request.Service, pool.Definition.Name, addresses, request.SharingKey, request.BackendKey, request.Ports);
        _assignments[request.Service] = assignment;
        foreach (var address in addresses)
        {
            ref var users = ref CollectionsMarshal.GetValueRefOrAddDefault(_users, address, out var exists);
            if (exists)
            {
                users = users.With(request.Service);
                continue;
            }

            users = new Users(request.Service, null);
            if (!pool.Space.TryTake(address))
            {
                throw new InvalidOperationException($"allocator state is incoherent: {address} was unused yet not free in pool {pool.Definition.Name}");
            }

            pool.CountAssigned(address.Family, +1);
            if (request.SharingKey is { } key)
            {
                if (!pool.Shared.TryGetValue(key, out var group))
                {
                    pool.Shared[key] = group = [];
                }

                group.Add(address);
            }
        }

        return assignment;
    }

    /// <summary>
    /// Why <paramref name="request"/> may not use <paramref name="address"/> alongside its current users, or null
    /// when it may (MetalLB's checkSharing): every user must carry the same sharing and backend keys and no
    /// protocol/port may be used twice.
    /// </summary>
    private string? SharingConflict(AllocationRequest request, IpAddressValue address)
    {
        if (!_users.TryGetValue(address, out var users))
        {
            return null;
        }

        foreach (var user in users.All())
        {
            if (user == request.Service)
            {
                continue;
            }

            var other = _assignments[user];
            if (other.SharingKey is null || request.SharingKey is null)
            {
                return $"address {address} is in use by {user} and the two do not both allow sharing (metallb.io/allow-shared-ip)";
            }

            if (!string.Equals(other.SharingKey, request.SharingKey, StringComparison.Ordinal))
            {
                return $"address {address} is in use by {user} with a different allow-shared-ip key";
            }

            if (!string.Equals(other.BackendKey, request.BackendKey, StringComparison.Ordinal))
            {
                return $"address {address} is shared with {user}, which has externalTrafficPolicy Local with a different selector";
            }

            foreach (var port in request.Ports)
            {
                if (other.Ports.Contains(port))
                {
                    return $"port {port.Protocol}/{port.Port} on {address} is already used by {user}";
                }
            }
        }

        return null;
    }

    /// <summary>The runtime side of one pool.</summary>
    private sealed class PoolState(AddressPoolDefinition definition)
    {
        public AddressPoolDefinition Definition { get; } = definition;

        public PoolAddressSpace Space { get; } = new(definition.Ranges, definition.AvoidBuggyIps);

        /// <summary>Addresses in use with a sharing key, per key, so a sharer finds its group without a pool walk.</summary>
        public Dictionary<string, SortedSet<IpAddressValue>> Shared { get; } = new(StringComparer.Ordinal);

        public UInt128 AssignedV4 { get; private set; }

        public UInt128 AssignedV6 { get; private set; }

        public void CountAssigned(IpFamily family, int delta)
        {
            if (family == IpFamily.IPv4)
            {
                AssignedV4 = delta > 0 ? AssignedV4 + 1 : AssignedV4 - 1;
            }
            else
            {
                AssignedV6 = delta > 0 ? AssignedV6 + 1 : AssignedV6 - 1;
            }
        }
    }

    /// <summary>The Services on one address; the first inline because almost every address has exactly one.</summary>
    private readonly record struct Users(ServiceKey First, ServiceKey[]? Others)
    {
        public IReadOnlyList<ServiceKey> All() => Others is null ? [First] : [First, .. Others];

        public Users With(ServiceKey service) => this with { Others = Others is null ? [service] : [.. Others, service] };

        /// <summary>The users left after one leaves, or null when none are.</summary>
        public Users? Without(ServiceKey service)
        {
            if (Others is null)
            {
                return First == service ? null : this;
            }

            var rest = All().Where(s => s != service).ToArray();
            return rest.Length == 0 ? null : new Users(rest[0], rest.Length > 1 ? rest[1..] : null);
        }
    }
}
