using IronLb.Core.Configuration;

namespace IronLb.Ipam.Allocation;

/// <summary>An IPAddressPool as the allocator uses it: parsed ranges plus the rules for who may draw from it.</summary>
internal sealed class AddressPoolDefinition
{
    private AddressPoolDefinition(string name, IReadOnlyList<AddressRange> ranges, bool autoAssign, bool avoidBuggyIps, ServiceAllocation? serviceAllocation)
    {
        Name = name;
        Ranges = ranges;
        AutoAssign = autoAssign;
        AvoidBuggyIps = avoidBuggyIps;
        ServiceAllocation = serviceAllocation;
    }

    public string Name { get; }

    public IReadOnlyList<AddressRange> Ranges { get; }

    public bool AutoAssign { get; }

    public bool AvoidBuggyIps { get; }

    public ServiceAllocation? ServiceAllocation { get; }

    /// <summary>
    /// MetalLB's ordering key among pinned pools: a positive priority ranks (lower first); an unset or zero
    /// priority comes after every ranked pool.
    /// </summary>
    public int PriorityRank => ServiceAllocation?.Priority is > 0 and var p ? p : int.MaxValue;

    public static AddressPoolDefinition Create(string name, IEnumerable<string> addresses, bool autoAssign = true, bool avoidBuggyIps = false, ServiceAllocation? serviceAllocation = null)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var ranges = new List<AddressRange>();
        foreach (var text in addresses)
        {
            if (!AddressRange.TryParse(text, out var range, out var error))
            {
                throw new FormatException($"IPAddressPool {name}: {error}");
            }

            ranges.Add(range);
        }

        return new(name, ranges, autoAssign, avoidBuggyIps, serviceAllocation);
    }

    /// <summary>Reads an IPAddressPool; false with a reason when an address entry does not parse.</summary>
    public static bool TryFrom(IpAddressPool pool, out AddressPoolDefinition? definition, out string? error)
    {
        ArgumentNullException.ThrowIfNull(pool);
        definition = null;
        var ranges = new List<AddressRange>();
        foreach (var text in pool.Spec.Addresses)
        {
            if (!AddressRange.TryParse(text, out var range, out error))
            {
                error = $"IPAddressPool {pool.Name}: {error}";
                return false;
            }

            ranges.Add(range);
        }

        error = null;
        definition = new(pool.Name, ranges, pool.Spec.AutoAssign, pool.Spec.AvoidBuggyIps, pool.Spec.ServiceAllocation);
        return true;
    }

    /// <summary>
    /// Whether the pool's serviceAllocation admits the Service at all (MetalLB's isPoolCompatibleWithService):
    /// its namespace is listed or selected, and its labels match a serviceSelector, whichever are given.
    /// This holds for explicit requests too: a restricted pool never serves a Service outside its scope.
    /// </summary>
    public bool Admits(AllocationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = ServiceAllocation;
        if (scope is null)
        {
            return true;
        }

        if (scope.Namespaces.Count > 0 || scope.NamespaceSelectors.Count > 0)
        {
            var listed = scope.Namespaces.Contains(request.Service.Namespace, StringComparer.Ordinal);
            var selected = scope.NamespaceSelectors.Any(s => s.Matches(request.NamespaceLabels));
            if (!listed && !selected)
            {
                return false;
            }
        }

        return scope.ServiceSelectors.Count == 0 || scope.ServiceSelectors.Any(s => s.Matches(request.Labels));
    }
}
