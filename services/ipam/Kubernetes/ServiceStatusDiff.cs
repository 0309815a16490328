using System.Text.Json.Nodes;
using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;

namespace IronLb.Ipam.Kubernetes;

/// <summary>The merge patches that bring a Service to what its plan says; a null part needs no write.</summary>
/// <param name="Status">For the status subresource: status.loadBalancer.ingress, or null.</param>
/// <param name="Metadata">For the Service itself: the metallb.io/ip-allocated-from-pool annotation, or null.</param>
internal sealed record ServiceStatusChange(JsonObject? Status, JsonObject? Metadata)
{
    public bool IsEmpty => Status is null && Metadata is null;
}

/// <summary>Compares a Service as read with what <see cref="ServiceStatusProjection.ApplyTo"/> says it should be.</summary>
/// <remarks>
/// The patches are JSON merge patches (RFC 7386) that name the whole value: written twice, or by two replicas, they
/// leave the same Service. A null value deletes the key, which is how an ingress list or annotation is cleared.
/// </remarks>
internal static class ServiceStatusDiff
{
    /// <summary>What to patch so <paramref name="current"/> matches <paramref name="plan"/>.</summary>
    public static ServiceStatusChange Compute(ServicePlan plan, Service current)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(current);
        var desired = plan.ApplyTo(current);
        var ingress = desired.Status.LoadBalancerIngress;
        var status = SameIngress(current.Status.LoadBalancerIngress, ingress)
            ? null
            : new JsonObject
            {
                ["status"] = new JsonObject
                {
                    ["loadBalancer"] = new JsonObject
                    {
                        ["ingress"] = ingress.Count == 0 ? null : new JsonArray([.. ingress.Select(Ingress)]),
                    },
                },
            };

        var pool = desired.Metadata.Annotations.GetValueOrDefault(ServiceAnnotations.IpAllocatedFromPool);
        var metadata = current.Metadata.Annotations.GetValueOrDefault(ServiceAnnotations.IpAllocatedFromPool) == pool
            ? null
            : new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [ServiceAnnotations.IpAllocatedFromPool] = pool } } };
        return new ServiceStatusChange(status, metadata);
    }

    /// <summary>What to patch to take IronLB's address and pool annotation off a Service it no longer serves.</summary>
    public static ServiceStatusChange Clear(Service current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return Compute(new ServicePlan(current.Namespace, current.Name, [], null, null), current);
    }

    // An API server older than Kubernetes 1.30 drops ipMode; counting that as a difference would patch on every resync.
    private static bool SameIngress(ValueList<LoadBalancerIngress> current, ValueList<LoadBalancerIngress> desired) =>
        current.Count == desired.Count
        && current.Zip(desired).All(p => p.First.Ip == p.Second.Ip && p.First.Hostname is null && (p.First.IpMode is null || p.First.IpMode == p.Second.IpMode));

    private static JsonObject Ingress(LoadBalancerIngress ingress) => new() { ["ip"] = ingress.Ip, ["ipMode"] = ingress.IpMode };
}
