using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;

namespace IronLb.Ipam.Planning;

/// <summary>
/// Computes every Service's addresses from a configuration and the allocations already held: the one
/// algorithm behind both <c>ironlb plan</c> and the replicated reconciler, so the two never disagree.
/// </summary>
/// <remarks>
/// Deterministic: the same configuration and held allocations always give the same result. Order matters
/// when addresses are contested, so it is fixed: held allocations that are still valid are kept first (a
/// configuration change never moves a Service that may stay), then addresses a Service that holds nothing
/// already carries in its status (what MetalLB, or a reset store, gave it), then Services asking for specific
/// addresses, then everyone else; within each step by namespace and name.
/// </remarks>
internal static class AllocationSolver
{
    /// <summary>The result: the allocator holding every assignment and one plan per handled Service, sorted.</summary>
    public sealed record Solution(AddressAllocator Allocator, IReadOnlyList<ServicePlan> Plans, IReadOnlyList<string> PoolErrors);

    public static Solution Solve(
        ClusterConfiguration configuration,
        IReadOnlyDictionary<ServiceKey, AddressAssignment> held,
        string? loadBalancerClass,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? namespaceLabels = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(held);

        var poolErrors = new List<string>();
        var pools = new List<AddressPoolDefinition>();
        foreach (var pool in configuration.IpAddressPools.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (!AddressPoolDefinition.TryFrom(pool, out var definition, out var error))
            {
                poolErrors.Add(error!);
                continue;
            }

            // Validation rejects overlapping pools; should an unvalidated configuration get here, two pools must
            // still never hand out one address, so the later pool (by name) is left out.
            var clash = pools.FirstOrDefault(p => p.Ranges.Any(a => definition!.Ranges.Any(b => Overlap(a, b))));
            if (clash is not null)
            {
                poolErrors.Add($"IPAddressPool {pool.Name} overlaps IPAddressPool {clash.Name}; it is ignored");
                continue;
            }

            pools.Add(definition!);
        }

        var allocator = new AddressAllocator(pools);
        var errors = new Dictionary<ServiceKey, string>();
        var requests = new List<AllocationRequest>();
        var inStatus = new Dictionary<ServiceKey, IReadOnlyList<IpAddressValue>>();
        foreach (var service in configuration.Services.Where(s => AllocationRequestReader.IsHandled(s, loadBalancerClass)))
        {
            var labels = namespaceLabels is not null && namespaceLabels.TryGetValue(service.Namespace, out var l) ? l : null;
            if (AllocationRequestReader.TryRead(service, labels, out var request, out var error))
            {
                requests.Add(request!);
                inStatus[request!.Service] = StatusAddresses(service);
            }
            else
            {
                errors[new ServiceKey(service.Namespace, service.Name)] = error!;
            }
        }

        requests.Sort((a, b) => a.Service.CompareTo(b.Service));

        // Services whose sharing terms (key, backend, ports) are unchanged are restored first: when a Service's
        // new terms clash with a sharer's, the Service that changed gives way, not the one that did not.
        var unchanged = requests.Where(r => held.TryGetValue(r.Service, out var h) && SameSharingTerms(r, h)).ToList();
        foreach (var request in unchanged.Concat(requests.Except(unchanged)))
        {
            if (held.TryGetValue(request.Service, out var previous))
            {
                // A held allocation that is no longer valid is simply not restored; the Service competes again below.
                allocator.Restore(request, previous.Addresses);
            }
        }

        // A Service the store knows nothing about may already have addresses: MetalLB gave them before the switch to
        // IronLB, or the store was reset. Like MetalLB's controller on start, keep them when they are still valid, so
        // switching (or losing the store) moves no Service. Stored allocations came first, so they win any contest.
        foreach (var request in requests.Where(r => !held.ContainsKey(r.Service) && inStatus[r.Service].Count > 0))
        {
            allocator.Restore(request, inStatus[request.Service]);
        }

        foreach (var request in requests)
        {
            allocator.CompleteDualStack(request);
        }

        foreach (var request in requests.Where(r => r.RequestedAddresses.Count > 0).Concat(requests.Where(r => r.RequestedAddresses.Count == 0)))
        {
            var outcome = allocator.Allocate(request);
            if (!outcome.Succeeded)
            {
                errors[request.Service] = outcome.Error!;
            }
        }

        var plans = new List<ServicePlan>(requests.Count + errors.Count);
        foreach (var key in requests.Select(r => r.Service).Concat(errors.Keys).Distinct().Order())
        {
            plans.Add(allocator.TryGet(key, out var assignment)
                ? new ServicePlan(key.Namespace, key.Name, [.. assignment!.Addresses.Select(a => a.ToString())], assignment.Pool, null)
                : new ServicePlan(key.Namespace, key.Name, [], null, errors[key]));
        }

        return new Solution(allocator, plans, poolErrors);
    }

    /// <summary>The IP addresses in status.loadBalancer.ingress, primary family first; hostnames and unparsable entries skipped.</summary>
    private static List<IpAddressValue> StatusAddresses(Service service)
    {
        var addresses = new List<IpAddressValue>();
        foreach (var ingress in service.Status.LoadBalancerIngress)
        {
            if (IpAddressValue.TryParse(ingress.Ip, out var address))
            {
                addresses.Add(address);
            }
        }

        return addresses;
    }

    private static bool Overlap(AddressRange a, AddressRange b) => a.Family == b.Family && a.First <= b.Last && b.First <= a.Last;

    private static bool SameSharingTerms(AllocationRequest request, AddressAssignment held) =>
        string.Equals(request.SharingKey, held.SharingKey, StringComparison.Ordinal)
        && string.Equals(request.BackendKey, held.BackendKey, StringComparison.Ordinal)
        && request.Ports.SequenceEqual(held.Ports);
}
