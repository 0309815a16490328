using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;

namespace IronLb.Ipam.Planning;

/// <summary>The addresses every Service would get from a configuration, with nothing held yet: what <c>ironlb plan</c> prints.</summary>
public static class AllocationPlanner
{
    /// <summary>One plan per LoadBalancer Service of the served class, sorted by namespace then name; same input, same output.</summary>
    public static IReadOnlyList<ServicePlan> Plan(ClusterConfiguration configuration, string? loadBalancerClass = null) =>
        AllocationSolver.Solve(configuration, new Dictionary<ServiceKey, AddressAssignment>(), loadBalancerClass, configuration.NamespaceLabels).Plans;
}
