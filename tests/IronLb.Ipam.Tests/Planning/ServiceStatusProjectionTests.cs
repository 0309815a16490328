using IronLb.Ipam.Planning;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Planning;

public class ServiceStatusProjectionTests
{
    [Fact]
    public void ApplyTo_Allocated_SetsIngressAndPoolAnnotation()
    {
        var service = LoadBalancer("ns", "s", annotations: [("keep", "me")]);

        var updated = new ServicePlan("ns", "s", ["192.0.2.1", "2001:db8::1"], "public", null).ApplyTo(service);

        Assert.Equal(["192.0.2.1", "2001:db8::1"], updated.Status.LoadBalancerIngress.Select(i => i.Ip));
        Assert.Equal("public", updated.Metadata.Annotations["metallb.io/ip-allocated-from-pool"]);
        Assert.Equal("me", updated.Metadata.Annotations["keep"]);
    }

    [Fact]
    public void ApplyTo_Unserved_ClearsIngressAndPoolAnnotation()
    {
        var service = new ServicePlan("ns", "s", ["192.0.2.1"], "public", null).ApplyTo(LoadBalancer("ns", "s"));

        var cleared = new ServicePlan("ns", "s", [], null, "exhausted").ApplyTo(service);

        Assert.Empty(cleared.Status.LoadBalancerIngress);
        Assert.False(cleared.Metadata.Annotations.ContainsKey("metallb.io/ip-allocated-from-pool"));
    }
}
