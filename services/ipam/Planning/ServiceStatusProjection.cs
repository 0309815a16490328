using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;

namespace IronLb.Ipam.Planning;

/// <summary>What a plan writes back onto its Service: status.loadBalancer.ingress and the metallb.io/ip-allocated-from-pool annotation.</summary>
public static class ServiceStatusProjection
{
    /// <summary>
    /// The Service as it should read after the plan: one ingress entry per address and the pool annotation set,
    /// or both cleared when the plan gives no address (MetalLB clears them when it withdraws an allocation).
    /// </summary>
    public static Service ApplyTo(this ServicePlan plan, Service service)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(service);
        var annotations = service.Metadata.Annotations.Where(a => !string.Equals(a.Key, ServiceAnnotations.IpAllocatedFromPool, StringComparison.Ordinal));
        if (plan.Pool is not null)
        {
            annotations = annotations.Append(new KeyValuePair<string, string>(ServiceAnnotations.IpAllocatedFromPool, plan.Pool));
        }

        return service with
        {
            Metadata = service.Metadata with { Annotations = StringMap.From(annotations) },
            Status = service.Status with
            {
                LoadBalancerIngress = ValueList.Create<LoadBalancerIngress>([.. plan.Addresses.Select(a => new LoadBalancerIngress { Ip = a, IpMode = "VIP" })]),
            },
        };
    }
}
