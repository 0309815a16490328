using IronLb.Core.Configuration;
using IronLb.Ipam.Kubernetes;
using IronLb.Ipam.Planning;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Kubernetes;

public class ServiceStatusDiffTests
{
    private static readonly ServicePlan Allocated = new("ns", "s", ["192.0.2.1", "2001:db8::1"], "public", null);

    [Fact]
    public void Compute_ServiceAlreadyShowsThePlan_NothingToPatch()
    {
        var service = Allocated.ApplyTo(LoadBalancer("ns", "s"));

        Assert.True(ServiceStatusDiff.Compute(Allocated, service).IsEmpty);
    }

    [Fact]
    public void Compute_NewAddresses_PatchesIngressAndPoolAnnotation()
    {
        var change = ServiceStatusDiff.Compute(Allocated, LoadBalancer("ns", "s"));

        Assert.Equal("""{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.1","ipMode":"VIP"},{"ip":"2001:db8::1","ipMode":"VIP"}]}}}""", change.Status!.ToJsonString());
        Assert.Equal("""{"metadata":{"annotations":{"metallb.io/ip-allocated-from-pool":"public"}}}""", change.Metadata!.ToJsonString());
    }

    [Fact]
    public void Compute_PlanWithoutAddress_ClearsIngressAndAnnotation()
    {
        var service = Allocated.ApplyTo(LoadBalancer("ns", "s"));

        var change = ServiceStatusDiff.Compute(new ServicePlan("ns", "s", [], null, "no available IPs"), service);

        Assert.Equal("""{"status":{"loadBalancer":{"ingress":null}}}""", change.Status!.ToJsonString());
        Assert.Equal("""{"metadata":{"annotations":{"metallb.io/ip-allocated-from-pool":null}}}""", change.Metadata!.ToJsonString());
    }

    [Fact]
    public void Compute_OnlyThePoolChanged_PatchesOnlyTheAnnotation()
    {
        var service = Allocated.ApplyTo(LoadBalancer("ns", "s"));

        var change = ServiceStatusDiff.Compute(Allocated with { Pool = "renamed" }, service);

        Assert.Null(change.Status);
        Assert.NotNull(change.Metadata);
    }

    [Fact]
    public void Compute_ApiServerWithoutIpMode_NothingToPatch()
    {
        var applied = Allocated.ApplyTo(LoadBalancer("ns", "s"));
        var service = applied with
        {
            Status = new ServiceStatus { LoadBalancerIngress = ValueList.Create<LoadBalancerIngress>([.. applied.Status.LoadBalancerIngress.Select(i => i with { IpMode = null })]) },
        };

        Assert.True(ServiceStatusDiff.Compute(Allocated, service).IsEmpty);
    }

    [Fact]
    public void Clear_ServedService_ClearsBoth()
    {
        var service = Allocated.ApplyTo(LoadBalancer("ns", "s"));

        var change = ServiceStatusDiff.Clear(service);

        Assert.NotNull(change.Status);
        Assert.NotNull(change.Metadata);
    }

    [Fact]
    public void Clear_ServiceWithoutAddress_NothingToPatch()
    {
        Assert.True(ServiceStatusDiff.Clear(LoadBalancer("ns", "s")).IsEmpty);
    }
}
