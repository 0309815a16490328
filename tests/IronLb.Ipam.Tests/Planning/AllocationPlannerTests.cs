using System.Text;
using System.Text.Json;
using IronLb.Core.Configuration;
using IronLb.Ipam.Planning;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Planning;

public class AllocationPlannerTests
{
    private static ClusterConfiguration Config(IpAddressPool[] pools, params Service[] services) => new()
    {
        IpAddressPools = ValueList.Create(pools),
        Services = ValueList.Create(services),
    };

    [Fact]
    public void Plan_SameInputTwice_SameOutput()
    {
        var config = Config([Pool("a", ["192.0.2.0/29"])], LoadBalancer("z", "s"), LoadBalancer("a", "s"), LoadBalancer("m", "s", loadBalancerIp: "192.0.2.5"));

        Assert.Equal(PlanFormatter.ToJson(AllocationPlanner.Plan(config)), PlanFormatter.ToJson(AllocationPlanner.Plan(config)));
    }

    [Fact]
    public void Plan_Services_SortedByNamespaceThenName()
    {
        var config = Config([Pool("a", ["192.0.2.0/29"])], LoadBalancer("b", "x"), LoadBalancer("a", "y"), LoadBalancer("a", "b"));

        Assert.Equal(["a/b", "a/y", "b/x"], AllocationPlanner.Plan(config).Select(p => p.Namespace + "/" + p.Name));
    }

    [Fact]
    public void Plan_RequestedAddressesServedBeforeOthers_NoMatterTheOrder()
    {
        // "a/first" sorts first and would take .0 if requests were not served first.
        var config = Config([Pool("a", ["192.0.2.0/31"])], LoadBalancer("a", "first"), LoadBalancer("b", "pinned", loadBalancerIp: "192.0.2.0"));

        var plans = AllocationPlanner.Plan(config);

        Assert.Equal(["192.0.2.1"], plans[0].Addresses);
        Assert.Equal(["192.0.2.0"], plans[1].Addresses);
    }

    [Fact]
    public void Plan_UnservableService_CarriesReason()
    {
        var config = Config([Pool("a", ["192.0.2.0/32"])], LoadBalancer("ns", "one"), LoadBalancer("ns", "two"), LoadBalancer("ns", "bad", loadBalancerIp: "203.0.113.9"));

        var plans = AllocationPlanner.Plan(config).ToDictionary(p => p.Name);

        Assert.Contains("outside every IPAddressPool", plans["bad"].Error, StringComparison.Ordinal);
        Assert.Equal("a", plans["one"].Pool);
        Assert.Contains("exhausted", plans["two"].Error, StringComparison.Ordinal);
        Assert.Empty(plans["two"].Addresses);
    }

    [Fact]
    public void Plan_OtherLoadBalancerClassAndClusterIp_Omitted()
    {
        var config = Config([Pool("a", ["192.0.2.0/29"])], LoadBalancer("ns", "mine"), LoadBalancer("ns", "theirs", loadBalancerClass: "other.example/lb"), LoadBalancer("ns", "internal", type: "ClusterIP"));

        Assert.Equal(["mine"], AllocationPlanner.Plan(config).Select(p => p.Name));
        Assert.Equal(["theirs"], AllocationPlanner.Plan(config, "other.example/lb").Select(p => p.Name));
    }

    [Fact]
    public void ToJson_Shape_MatchesPlanCommandContract()
    {
        var config = Config([Pool("a", ["192.0.2.0/32"])], LoadBalancer("ns", "one"), LoadBalancer("ns", "two"));

        using var json = JsonDocument.Parse(PlanFormatter.ToJson(AllocationPlanner.Plan(config)));
        var services = json.RootElement.GetProperty("services").EnumerateArray().ToArray();

        Assert.Equal("ns", services[0].GetProperty("namespace").GetString());
        Assert.Equal("one", services[0].GetProperty("name").GetString());
        Assert.Equal("192.0.2.0", services[0].GetProperty("addresses")[0].GetString());
        Assert.Equal("a", services[0].GetProperty("pool").GetString());
        Assert.Equal(JsonValueKind.Null, services[0].GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, services[1].GetProperty("pool").ValueKind);
        Assert.Equal(0, services[1].GetProperty("addresses").GetArrayLength());
        Assert.Equal(JsonValueKind.String, services[1].GetProperty("error").ValueKind);
    }

    [Fact]
    public void ToText_OneLinePerService()
    {
        var config = Config([Pool("a", ["192.0.2.0/32"])], LoadBalancer("ns", "one"), LoadBalancer("ns", "two"));

        var lines = PlanFormatter.ToText(AllocationPlanner.Plan(config)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("ns/one\t192.0.2.0\tpool=a", lines[0]);
        Assert.StartsWith("ns/two\t-\terror: ", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
        Assert.True(Encoding.UTF8.GetByteCount(lines[1]) > 0);
    }

    [Fact]
    public void Plan_OverlappingPools_LaterPoolIgnoredSoNoAddressIsHandedOutTwice()
    {
        var config = Config(
            [Pool("b", ["192.0.2.0/31"], serviceAllocation: new ServiceAllocation { Priority = 1, Namespaces = ValueList.Create(["x"]) }), Pool("a", ["192.0.2.0/30"])],
            LoadBalancer("x", "one"), LoadBalancer("y", "two"));

        var solution = AllocationSolver.Solve(config, new Dictionary<Ipam.Allocation.ServiceKey, Ipam.Allocation.AddressAssignment>(), null);

        Assert.Equal(["192.0.2.0", "192.0.2.1"], solution.Plans.SelectMany(p => p.Addresses));
        Assert.Contains(solution.PoolErrors, e => e.Contains("IPAddressPool b overlaps IPAddressPool a", StringComparison.Ordinal));
    }
}
