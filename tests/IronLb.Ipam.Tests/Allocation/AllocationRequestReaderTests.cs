using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Allocation;

public class AllocationRequestReaderTests
{
    [Fact]
    public void TryRead_SpecIpAndAnnotation_Rejected()
    {
        var service = LoadBalancer("ns", "s", loadBalancerIp: "192.0.2.1", annotations: [("metallb.io/loadBalancerIPs", "192.0.2.2")]);

        Assert.False(AllocationRequestReader.TryRead(service, null, out _, out var error));
        Assert.Contains("both", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_TwoAddressesOfOneFamily_Rejected()
    {
        var service = LoadBalancer("ns", "s", annotations: [("metallb.io/loadBalancerIPs", "192.0.2.1,192.0.2.2")]);

        Assert.False(AllocationRequestReader.TryRead(service, null, out _, out var error));
        Assert.Contains("one address per IP family", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_LegacyPrefix_ReadLikeCurrentOne()
    {
        var service = LoadBalancer("ns", "s", annotations: [
            ("metallb.universe.tf/loadBalancerIPs", "192.0.2.1, 2001:db8::1"),
            ("metallb.universe.tf/address-pool", "p"),
            ("metallb.universe.tf/allow-shared-ip", "key")], policy: "RequireDualStack");

        var request = Request(service);

        Assert.Equal([IpAddressValue.Parse("192.0.2.1"), IpAddressValue.Parse("2001:db8::1")], request.RequestedAddresses);
        Assert.Equal("p", request.RequestedPool);
        Assert.Equal("key", request.SharingKey);
    }

    [Fact]
    public void TryRead_BothPrefixes_CurrentPrefixWins()
    {
        var request = Request(LoadBalancer("ns", "s", annotations: [("metallb.io/address-pool", "new"), ("metallb.universe.tf/address-pool", "old")]));

        Assert.Equal("new", request.RequestedPool);
    }

    [Fact]
    public void TryRead_RequestedFamilyNotServed_Rejected()
    {
        var service = LoadBalancer("ns", "s", loadBalancerIp: "2001:db8::1", families: ["IPv4"]);

        Assert.False(AllocationRequestReader.TryRead(service, null, out _, out var error));
        Assert.Contains("IP families", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_NoIpFamilies_InferredFromRequestedAddress()
    {
        var request = Request(LoadBalancer("ns", "s", loadBalancerIp: "2001:db8::1"));

        Assert.Equal([IpFamily.IPv6], request.Families);
    }

    [Fact]
    public void TryRead_TrafficPolicyLocal_BackendKeyIsSelector()
    {
        var local = Request(LoadBalancer("ns", "s", trafficPolicy: "Local", selector: [("b", "2"), ("a", "1")]));
        var cluster = Request(LoadBalancer("ns", "s", selector: [("a", "1")]));

        Assert.Equal("a=1,b=2", local.BackendKey);
        Assert.Equal("", cluster.BackendKey);
    }

    [Theory]
    [InlineData("LoadBalancer", null, null, true)]
    [InlineData("LoadBalancer", "other.example/lb", null, false)]
    [InlineData("LoadBalancer", "ironlb.example/lb", "ironlb.example/lb", true)]
    [InlineData("LoadBalancer", null, "ironlb.example/lb", false)]
    [InlineData("ClusterIP", null, null, false)]
    public void IsHandled_OnlyLoadBalancersOfConfiguredClass(string type, string? serviceClass, string? configuredClass, bool handled)
    {
        var service = LoadBalancer("ns", "s", type: type, loadBalancerClass: serviceClass);

        Assert.Equal(handled, AllocationRequestReader.IsHandled(service, configuredClass));
    }
}
