using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Allocation;

public class AddressAllocatorTests
{
    [Fact]
    public void Allocate_SeveralServices_LowestFreeFirst()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.10-192.0.2.12"]));

        Assert.Equal(["192.0.2.10"], allocator.Allocate(Request(LoadBalancer("ns", "s1"))).Texts());
        Assert.Equal(["192.0.2.11"], allocator.Allocate(Request(LoadBalancer("ns", "s2"))).Texts());
        allocator.Release(new ServiceKey("ns", "s1"));
        Assert.Equal(["192.0.2.10"], allocator.Allocate(Request(LoadBalancer("ns", "s3"))).Texts());
    }

    [Fact]
    public void Allocate_SameServiceTwice_KeepsItsAddress()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/30"]));
        var first = allocator.Allocate(Request(LoadBalancer("ns", "s1"))).Texts();

        Assert.Equal(first, allocator.Allocate(Request(LoadBalancer("ns", "s1"))).Texts());
        Assert.Equal(1, allocator.Count);
    }

    [Fact]
    public void Allocate_PoolExhausted_ReportsExhaustion()
    {
        var allocator = Allocator(Pool("tiny", ["192.0.2.1/32"]));
        allocator.Allocate(Request(LoadBalancer("ns", "s1")));

        var outcome = allocator.Allocate(Request(LoadBalancer("ns", "s2")));

        Assert.False(outcome.Succeeded);
        Assert.Contains("exhausted", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("tiny", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_AvoidBuggyIps_NeverHandsOutDotZeroOrDot255()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.255/32", "198.51.100.0-198.51.100.1"], avoidBuggyIps: true));

        Assert.Equal(["198.51.100.1"], allocator.Allocate(Request(LoadBalancer("ns", "s1"))).Texts());
        Assert.False(allocator.Allocate(Request(LoadBalancer("ns", "s2"))).Succeeded);
    }

    [Fact]
    public void Allocate_RequestedBuggyAddressInAvoidingPool_Fails()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/24"], avoidBuggyIps: true));

        var outcome = allocator.Allocate(Request(LoadBalancer("ns", "s1", loadBalancerIp: "192.0.2.0")));

        Assert.Contains("avoidBuggyIPs", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_AutoAssignFalse_UsedOnlyWhenAskedFor()
    {
        var allocator = Allocator(Pool("expensive", ["203.0.113.1/32"], autoAssign: false));

        var plain = allocator.Allocate(Request(LoadBalancer("ns", "plain")));
        var byPool = allocator.Allocate(Request(LoadBalancer("ns", "named", annotations: [("metallb.io/address-pool", "expensive")])));

        Assert.False(plain.Succeeded);
        Assert.Equal(["203.0.113.1"], byPool.Texts());
    }

    [Fact]
    public void Allocate_AutoAssignFalse_RequestedAddressIsAssigned()
    {
        var allocator = Allocator(Pool("expensive", ["203.0.113.0/30"], autoAssign: false));

        Assert.Equal(["203.0.113.2"], allocator.Allocate(Request(LoadBalancer("ns", "s", loadBalancerIp: "203.0.113.2"))).Texts());
    }

    [Fact]
    public void Allocate_RequestedAddressOutsideEveryPool_Fails()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/30"]));

        var outcome = allocator.Allocate(Request(LoadBalancer("ns", "s", annotations: [("metallb.io/loadBalancerIPs", "198.51.100.7")])));

        Assert.Contains("outside every IPAddressPool", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_UnknownRequestedPool_Fails()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/30"]));

        var outcome = allocator.Allocate(Request(LoadBalancer("ns", "s", annotations: [("metallb.universe.tf/address-pool", "missing")])));

        Assert.Contains("missing does not exist", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_RequestedAddressNotInRequestedPool_Fails()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/30"]), Pool("b", ["198.51.100.0/30"]));

        var outcome = allocator.Allocate(Request(LoadBalancer("ns", "s", loadBalancerIp: "192.0.2.1", annotations: [("metallb.io/address-pool", "b")])));

        Assert.Contains("not in the requested pool b", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_PinnedPools_TriedByPriorityBeforeGeneralPools()
    {
        var allocator = Allocator(
            Pool("aaa-general", ["192.0.2.0/30"]),
            Pool("low", ["198.51.100.0/30"], serviceAllocation: new ServiceAllocation { Priority = 20, Namespaces = ValueList.Create(["web"]) }),
            Pool("high", ["198.51.100.8/30"], serviceAllocation: new ServiceAllocation { Priority = 10, Namespaces = ValueList.Create(["web"]) }),
            Pool("unset", ["198.51.100.16/30"], serviceAllocation: new ServiceAllocation { Namespaces = ValueList.Create(["web"]) }));

        var web = allocator.Allocate(Request(LoadBalancer("web", "s")));
        var other = allocator.Allocate(Request(LoadBalancer("other", "s")));

        Assert.Equal("high", web.Assignment!.Pool);
        Assert.Equal("aaa-general", other.Assignment!.Pool);
    }

    [Fact]
    public void Allocate_UnsetPriority_TriedAfterEveryRankedPool()
    {
        var allocator = Allocator(
            Pool("a-unset", ["198.51.100.16/30"], serviceAllocation: new ServiceAllocation { Namespaces = ValueList.Create(["web"]) }),
            Pool("z-ranked", ["198.51.100.0/30"], serviceAllocation: new ServiceAllocation { Priority = 50, Namespaces = ValueList.Create(["web"]) }));

        Assert.Equal("z-ranked", allocator.Allocate(Request(LoadBalancer("web", "s"))).Assignment!.Pool);
    }

    [Fact]
    public void Allocate_PinnedPoolExhausted_FallsBackToGeneralPool()
    {
        var allocator = Allocator(
            Pool("general", ["192.0.2.0/30"]),
            Pool("pinned", ["198.51.100.1/32"], serviceAllocation: new ServiceAllocation { Namespaces = ValueList.Create(["web"]) }));
        allocator.Allocate(Request(LoadBalancer("web", "first")));

        var second = allocator.Allocate(Request(LoadBalancer("web", "second")));

        Assert.Equal("general", second.Assignment!.Pool);
    }

    [Fact]
    public void Allocate_ServiceSelectors_OnlyMatchingServicesUseThePool()
    {
        var scoped = new ServiceAllocation { ServiceSelectors = ValueList.Create([Selector(("tier", "premium"))]) };
        var allocator = Allocator(Pool("premium", ["203.0.113.0/30"], serviceAllocation: scoped));

        var premium = allocator.Allocate(Request(LoadBalancer("ns", "p", labels: [("tier", "premium")])));
        var basic = allocator.Allocate(Request(LoadBalancer("ns", "b", labels: [("tier", "basic")])));

        Assert.Equal("premium", premium.Assignment!.Pool);
        Assert.False(basic.Succeeded);
    }

    [Fact]
    public void Allocate_NamespaceSelectors_MatchOnNamespaceLabels()
    {
        var scoped = new ServiceAllocation { NamespaceSelectors = ValueList.Create([Selector(("team", "blue"))]) };
        var allocator = Allocator(Pool("blue", ["203.0.113.0/30"], serviceAllocation: scoped));
        var blueLabels = new Dictionary<string, string> { ["team"] = "blue" };

        var blue = allocator.Allocate(Request(LoadBalancer("blue-ns", "s"), blueLabels));
        var red = allocator.Allocate(Request(LoadBalancer("red-ns", "s"), new Dictionary<string, string> { ["team"] = "red" }));

        Assert.True(blue.Succeeded, blue.Error);
        Assert.False(red.Succeeded);
    }

    [Fact]
    public void Allocate_RequestedAddressInPoolOfOtherNamespace_Fails()
    {
        var allocator = Allocator(Pool("web-only", ["203.0.113.0/30"], serviceAllocation: new ServiceAllocation { Namespaces = ValueList.Create(["web"]) }));

        var outcome = allocator.Allocate(Request(LoadBalancer("db", "s", loadBalancerIp: "203.0.113.1")));

        Assert.Contains("serviceAllocation", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_RequireDualStack_BothFamiliesFromOnePool()
    {
        var allocator = Allocator(
            Pool("a-v4only", ["192.0.2.0/30"]),
            Pool("b-dual", ["198.51.100.0/30", "2001:db8::/126"]));

        var outcome = allocator.Allocate(Request(LoadBalancer("ns", "s", policy: "RequireDualStack", families: ["IPv6", "IPv4"])));

        Assert.Equal(["2001:db8::", "198.51.100.0"], outcome.Texts());
        Assert.Equal("b-dual", outcome.Assignment!.Pool);
    }

    [Fact]
    public void Allocate_RequireDualStackWithoutDualPool_Fails()
    {
        var allocator = Allocator(Pool("v4", ["192.0.2.0/30"]), Pool("v6", ["2001:db8::/126"]));

        Assert.False(allocator.Allocate(Request(LoadBalancer("ns", "s", policy: "RequireDualStack", families: ["IPv4", "IPv6"]))).Succeeded);
    }

    [Fact]
    public void Allocate_PreferDualStackWithSingleFamilyPools_TakesPrimaryFamily()
    {
        var allocator = Allocator(Pool("a-v6", ["2001:db8::/126"]), Pool("b-v4", ["192.0.2.0/30"]));

        var outcome = allocator.Allocate(Request(LoadBalancer("ns", "s", policy: "PreferDualStack", families: ["IPv4", "IPv6"])));

        Assert.Equal(["192.0.2.0"], outcome.Texts());
    }

    [Fact]
    public void Allocate_SingleStackIpv6_TakesIpv6FromDualPool()
    {
        var allocator = Allocator(Pool("dual", ["192.0.2.0/30", "2001:db8::/126"]));

        Assert.Equal(["2001:db8::"], allocator.Allocate(Request(LoadBalancer("ns", "s", families: ["IPv6"]))).Texts());
    }

    [Fact]
    public void Allocate_EqualSharingKeysDistinctPorts_ShareTheLowestAddress()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/30"]));
        var shared = new[] { ("metallb.io/allow-shared-ip", "k") };

        var dns = allocator.Allocate(Request(LoadBalancer("ns", "dns-tcp", annotations: shared, ports: [("TCP", 53)])));
        var udp = allocator.Allocate(Request(LoadBalancer("ns", "dns-udp", annotations: shared, ports: [("UDP", 53)])));

        Assert.Equal(dns.Texts(), udp.Texts());
        Assert.Equal(2, allocator.UsersOf(IpAddressValue.Parse("192.0.2.0")).Count);
    }

    [Fact]
    public void Allocate_SharingKeyWithClashingPort_GetsAnotherAddress()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/30"]));
        var shared = new[] { ("metallb.io/allow-shared-ip", "k") };
        allocator.Allocate(Request(LoadBalancer("ns", "one", annotations: shared, ports: [("TCP", 80)])));

        var two = allocator.Allocate(Request(LoadBalancer("ns", "two", annotations: shared, ports: [("TCP", 80)])));

        Assert.Equal(["192.0.2.1"], two.Texts());
    }

    [Fact]
    public void Allocate_RequestedAddressOfServiceWithOtherKey_SharingConflict()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/30"]));
        allocator.Allocate(Request(LoadBalancer("ns", "one", annotations: [("metallb.io/allow-shared-ip", "k1")], ports: [("TCP", 80)])));

        var other = allocator.Allocate(Request(LoadBalancer("ns", "two", loadBalancerIp: "192.0.2.0", annotations: [("metallb.io/allow-shared-ip", "k2")], ports: [("TCP", 443)])));
        var unshared = allocator.Allocate(Request(LoadBalancer("ns", "three", loadBalancerIp: "192.0.2.0", ports: [("TCP", 8443)])));

        Assert.Contains("different allow-shared-ip key", other.Error, StringComparison.Ordinal);
        Assert.Contains("do not both allow sharing", unshared.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_TrafficPolicyLocalDifferentSelector_DoesNotShare()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/30"]));
        var shared = new[] { ("metallb.io/allow-shared-ip", "k") };
        allocator.Allocate(Request(LoadBalancer("ns", "one", annotations: shared, ports: [("TCP", 80)], trafficPolicy: "Local", selector: [("app", "x")])));

        var same = allocator.Allocate(Request(LoadBalancer("ns", "two", annotations: shared, ports: [("TCP", 81)], trafficPolicy: "Local", selector: [("app", "x")])));
        var different = allocator.Allocate(Request(LoadBalancer("ns", "three", annotations: shared, ports: [("TCP", 82)], trafficPolicy: "Local", selector: [("app", "y")])));

        Assert.Equal(["192.0.2.0"], same.Texts());
        Assert.Equal(["192.0.2.1"], different.Texts());
    }

    [Fact]
    public void Release_LastSharer_ReturnsAddressToPool()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/31"]));
        var shared = new[] { ("metallb.io/allow-shared-ip", "k") };
        allocator.Allocate(Request(LoadBalancer("ns", "one", annotations: shared, ports: [("TCP", 80)])));
        allocator.Allocate(Request(LoadBalancer("ns", "two", annotations: shared, ports: [("TCP", 81)])));

        allocator.Release(new ServiceKey("ns", "one"));
        var third = allocator.Allocate(Request(LoadBalancer("ns", "third")));
        allocator.Release(new ServiceKey("ns", "two"));
        var fourth = allocator.Allocate(Request(LoadBalancer("ns", "fourth")));

        Assert.Equal(["192.0.2.1"], third.Texts());
        Assert.Equal(["192.0.2.0"], fourth.Texts());
    }

    [Fact]
    public void Status_CountsAssignedAndAvailablePerFamily()
    {
        var allocator = Allocator(Pool("dual", ["192.0.2.0/24", "2001:db8::/64"], avoidBuggyIps: true));
        allocator.Allocate(Request(LoadBalancer("ns", "a", policy: "RequireDualStack", families: ["IPv4", "IPv6"])));
        var shared = new[] { ("metallb.io/allow-shared-ip", "k") };
        allocator.Allocate(Request(LoadBalancer("ns", "b", annotations: shared, ports: [("TCP", 1)])));
        allocator.Allocate(Request(LoadBalancer("ns", "c", annotations: shared, ports: [("TCP", 2)])));

        var status = Assert.Single(allocator.Status());

        Assert.Equal(new PoolStatus("dual", 2, 252, 1, (UInt128.One << 64) - 1), status);
    }

    [Fact]
    public void Restore_StillValid_KeepsAddressEvenIfNotLowest()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/30"]));

        var outcome = allocator.Restore(Request(LoadBalancer("ns", "s")), [IpAddressValue.Parse("192.0.2.3")]);

        Assert.Equal(["192.0.2.3"], outcome.Texts());
    }

    [Fact]
    public void Restore_AddressLeftEveryPool_Fails()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/30"]));

        var outcome = allocator.Restore(Request(LoadBalancer("ns", "s")), [IpAddressValue.Parse("198.51.100.3")]);

        Assert.False(outcome.Succeeded);
    }

    [Fact]
    public void Restore_PoolAnnotationChanged_Fails()
    {
        var allocator = Allocator(Pool("a", ["192.0.2.0/30"]), Pool("b", ["198.51.100.0/30"]));

        var outcome = allocator.Restore(Request(LoadBalancer("ns", "s", annotations: [("metallb.io/address-pool", "b")])), [IpAddressValue.Parse("192.0.2.1")]);

        Assert.False(outcome.Succeeded);
    }

    [Fact]
    public void CompleteDualStack_PreferDualStackHoldingOneFamily_AddsOtherFromSamePool()
    {
        var allocator = Allocator(Pool("dual", ["192.0.2.0/30", "2001:db8::/126"]));

        var request = Request(LoadBalancer("ns", "s", policy: "PreferDualStack", families: ["IPv4", "IPv6"]));
        allocator.Restore(request, [IpAddressValue.Parse("192.0.2.2")]);

        allocator.CompleteDualStack(request);

        allocator.TryGet(request.Service, out var held);
        Assert.Equal(["192.0.2.2", "2001:db8::"], held!.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void Allocate_RequestedAddressPerFamily_BothFromOnePool()
    {
        var allocator = Allocator(Pool("dual", ["192.0.2.0/30", "2001:db8::/126"]));

        var outcome = allocator.Allocate(Request(LoadBalancer("ns", "s", policy: "RequireDualStack", families: ["IPv4", "IPv6"],
            annotations: [("metallb.io/loadBalancerIPs", "192.0.2.2,2001:db8::3")])));

        Assert.Equal(["192.0.2.2", "2001:db8::3"], outcome.Texts());
    }

    [Fact]
    public void Allocate_RequestedAddressesInDifferentPools_Fails()
    {
        var allocator = Allocator(Pool("v4", ["192.0.2.0/30"]), Pool("v6", ["2001:db8::/126"]));

        var outcome = allocator.Allocate(Request(LoadBalancer("ns", "s", policy: "RequireDualStack", families: ["IPv4", "IPv6"],
            annotations: [("metallb.io/loadBalancerIPs", "192.0.2.2,2001:db8::3")])));

        Assert.Contains("not all in one IPAddressPool", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_NamespaceListedPool_OtherNamespacesUseGeneralPool()
    {
        var allocator = Allocator(
            Pool("general", ["192.0.2.0/30"]),
            Pool("team", ["198.51.100.0/30"], serviceAllocation: new ServiceAllocation { Namespaces = ValueList.Create(["team-a"]) }));

        Assert.Equal("team", allocator.Allocate(Request(LoadBalancer("team-a", "s"))).Assignment!.Pool);
        Assert.Equal("general", allocator.Allocate(Request(LoadBalancer("team-b", "s"))).Assignment!.Pool);
    }
}
