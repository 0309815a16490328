using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>
/// A Service the store holds nothing for keeps the addresses already in its status when they are still valid, as
/// MetalLB's controller does on start: switching from MetalLB, or losing the store, moves no Service.
/// </summary>
public class StatusAdoptionTests
{
    private static readonly Dictionary<ServiceKey, AddressAssignment> NothingHeld = [];

    private static Service WithStatus(Service service, params string[] addresses) => service with
    {
        Status = service.Status with { LoadBalancerIngress = ValueList.Create<LoadBalancerIngress>([.. addresses.Select(a => new LoadBalancerIngress { Ip = a, IpMode = "VIP" })]) },
    };

    private static ClusterConfiguration Config(IpAddressPool[] pools, params Service[] services) => new()
    {
        IpAddressPools = ValueList.Create(pools),
        Services = ValueList.Create(services),
    };

    private static Dictionary<string, ServicePlan> Plans(ClusterConfiguration config, IReadOnlyDictionary<ServiceKey, AddressAssignment>? held = null) =>
        AllocationSolver.Solve(config, held ?? NothingHeld, null).Plans.ToDictionary(p => p.Name);

    [Fact]
    public void Solve_StatusAddressInPool_KeptInsteadOfLowestFree()
    {
        var config = Config([Pool("a", ["192.0.2.0/28"])], WithStatus(LoadBalancer("ns", "adopted"), "192.0.2.9"), LoadBalancer("ns", "fresh"));

        var plans = Plans(config);

        Assert.Equal(["192.0.2.9"], plans["adopted"].Addresses);
        Assert.Equal("a", plans["adopted"].Pool);
        Assert.Equal(["192.0.2.0"], plans["fresh"].Addresses);
    }

    [Fact]
    public void Solve_DualStackStatus_BothFamiliesKept()
    {
        var service = WithStatus(LoadBalancer("ns", "web", policy: "RequireDualStack", families: ["IPv4", "IPv6"]), "192.0.2.5", "2001:db8::5");

        var plans = Plans(Config([Pool("a", ["192.0.2.0/28", "2001:db8::/124"])], service));

        Assert.Equal(["192.0.2.5", "2001:db8::5"], plans["web"].Addresses);
    }

    [Fact]
    public void Solve_StatusAddressOutsideEveryPool_AllocatedAfresh()
    {
        var plans = Plans(Config([Pool("a", ["192.0.2.0/28"])], WithStatus(LoadBalancer("ns", "moved"), "198.51.100.7")));

        Assert.Equal(["192.0.2.0"], plans["moved"].Addresses);
    }

    [Fact]
    public void Solve_StatusAddressNoLongerRequested_RequestWins()
    {
        var service = WithStatus(LoadBalancer("ns", "pinned", loadBalancerIp: "192.0.2.3"), "192.0.2.9");

        Assert.Equal(["192.0.2.3"], Plans(Config([Pool("a", ["192.0.2.0/28"])], service))["pinned"].Addresses);
    }

    [Fact]
    public void Solve_TwoServicesClaimOneStatusAddress_FirstByNameKeepsItOtherGetsAnother()
    {
        var config = Config([Pool("a", ["192.0.2.0/28"])], WithStatus(LoadBalancer("ns", "b"), "192.0.2.9"), WithStatus(LoadBalancer("ns", "a"), "192.0.2.9"));

        var plans = Plans(config);

        Assert.Equal(["192.0.2.9"], plans["a"].Addresses);
        Assert.Equal(["192.0.2.0"], plans["b"].Addresses);
    }

    [Fact]
    public void Solve_StoredAllocationAndStatusClaimCollide_StoredAllocationWins()
    {
        var holder = LoadBalancer("ns", "z-holder");
        var config = Config([Pool("a", ["192.0.2.0/28"])], holder, WithStatus(LoadBalancer("ns", "a-claimer"), "192.0.2.9"));
        var stored = AllocationSolver.Solve(Config([Pool("a", ["192.0.2.0/28"])], WithStatus(holder, "192.0.2.9")), NothingHeld, null).Allocator.Assignments.ToDictionary(a => a.Service);

        var plans = Plans(config, stored);

        Assert.Equal(["192.0.2.9"], plans["z-holder"].Addresses);
        Assert.Equal(["192.0.2.0"], plans["a-claimer"].Addresses);
    }
}
