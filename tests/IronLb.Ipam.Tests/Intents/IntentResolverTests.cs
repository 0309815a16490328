using IronLb.Core.Configuration;
using IronLb.Ipam.Intents;
using IronLb.Ipam.Planning;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Intents;

public class IntentResolverTests
{
    private static Node NodeNamed(string name, params (string, string)[] labels) => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = StringMap.Of(labels) },
        Conditions = ValueList.Create([new NodeCondition { Type = "Ready", Status = "True" }]),
    };

    private static ClusterConfiguration Cluster() => new()
    {
        IpAddressPools = ValueList.Create([
            Pool("public", ["192.0.2.0/30"], labels: [("zone", "edge")]),
            Pool("private", ["198.51.100.0/30"])]),
        L2Advertisements = ValueList.Create([
            new L2Advertisement { Metadata = new ObjectMeta { Name = "every-pool" } },
            new L2Advertisement
            {
                Metadata = new ObjectMeta { Name = "edge-only" },
                Spec = new L2AdvertisementSpec
                {
                    IpAddressPoolSelectors = ValueList.Create([Selector(("zone", "edge"))]),
                    NodeSelectors = ValueList.Create([Selector(("role", "edge"))]),
                    Interfaces = ValueList.Create(["eth1"]),
                },
            },
        ]),
        BgpAdvertisements = ValueList.Create([
            new BgpAdvertisement
            {
                Metadata = new ObjectMeta { Name = "private-bgp" },
                Spec = new BgpAdvertisementSpec
                {
                    IpAddressPools = ValueList.Create(["private"]),
                    AggregationLength = 24,
                    LocalPref = 150,
                    Communities = ValueList.Create(["no-export", "64500:1", "large:64500:2:3"]),
                    Peers = ValueList.Create(["tor-b", "tor-a"]),
                },
            },
        ]),
        Communities = ValueList.Create([new Community
        {
            Metadata = new ObjectMeta { Name = "aliases" },
            Spec = new CommunitySpec { Communities = ValueList.Create([new CommunityAlias { Name = "no-export", Value = "65535:65281" }]) },
        }]),
        Nodes = ValueList.Create([
            NodeNamed("n2", ("role", "edge")),
            NodeNamed("n1"),
            NodeNamed("n3", ("role", "edge"), ("node.kubernetes.io/exclude-from-external-load-balancers", "")),
        ]),
        Services = ValueList.Create([
            LoadBalancer("web", "front", annotations: [("metallb.io/address-pool", "public")], trafficPolicy: "Local"),
            LoadBalancer("db", "back", annotations: [("metallb.io/address-pool", "private")]),
        ]),
        EndpointSlices = ValueList.Create([new EndpointSlice
        {
            Metadata = new ObjectMeta { Name = "front-abc", Namespace = "web", Labels = StringMap.Of(("kubernetes.io/service-name", "front")) },
            Endpoints = ValueList.Create([
                new Endpoint { NodeName = "n2", Ready = true },
                new Endpoint { NodeName = "n1", Ready = false },
                new Endpoint { NodeName = "n2" },
            ]),
        }]),
    };

    private static IReadOnlyList<Core.Contracts.AnnouncementIntent> Resolve(ClusterConfiguration config)
    {
        var solution = AllocationSolver.Solve(config, new Dictionary<Ipam.Allocation.ServiceKey, Ipam.Allocation.AddressAssignment>(), null);
        return IntentResolver.Resolve(config, solution.Allocator.Assignments);
    }

    [Fact]
    public void Resolve_Intents_SortedAndCarryAddressesAndPool()
    {
        var intents = Resolve(Cluster());

        Assert.Equal(["db/back", "web/front"], intents.Select(i => i.Namespace + "/" + i.Name));
        Assert.Equal(["198.51.100.0"], intents[0].Addresses);
        Assert.Equal("private", intents[0].Pool);
    }

    [Fact]
    public void Resolve_Layer2_PoolSelectorsAndNodeSelectorsApplied()
    {
        var front = Resolve(Cluster()).Single(i => i.Name == "front");

        Assert.Equal(["edge-only", "every-pool"], front.Layer2.Select(l => l.Advertisement));
        var edge = front.Layer2[0];
        Assert.Equal(["n2"], edge.Nodes);
        Assert.Equal(["eth1"], edge.Interfaces);
        Assert.Equal(["n1", "n2"], front.Layer2[1].Nodes);
        Assert.Empty(front.Bgp);
    }

    [Fact]
    public void Resolve_Bgp_CommunityAliasesResolvedAndLargeSplit()
    {
        var back = Resolve(Cluster()).Single(i => i.Name == "back");

        var bgp = Assert.Single(back.Bgp);
        Assert.Equal(["64500:1", "65535:65281"], bgp.Communities);
        Assert.Equal(["64500:2:3"], bgp.LargeCommunities);
        Assert.Equal(24, bgp.AggregationLength);
        Assert.Equal(128, bgp.AggregationLengthV6);
        Assert.Equal(150u, bgp.LocalPref);
        Assert.Equal(["tor-a", "tor-b"], bgp.Peers);
        Assert.Equal(["n1", "n2"], bgp.Nodes);
        Assert.Equal(["every-pool"], back.Layer2.Select(l => l.Advertisement));
    }

    [Fact]
    public void Resolve_TrafficPolicyAndReadyEndpointNodes()
    {
        var intents = Resolve(Cluster());
        var front = intents.Single(i => i.Name == "front");
        var back = intents.Single(i => i.Name == "back");

        Assert.Equal("Local", front.ExternalTrafficPolicy);
        Assert.Equal(["n2"], front.NodesWithReadyEndpoints);
        Assert.Equal("Cluster", back.ExternalTrafficPolicy);
        Assert.Empty(back.NodesWithReadyEndpoints);
    }

    [Fact]
    public void Resolve_ServiceSelectors_AdvertisementAppliesOnlyToServicesWhoseLabelsMatchOne()
    {
        var tier = new LabelSelector { MatchExpressions = ValueList.Create([new LabelSelectorRequirement { Key = "tier", Operator = LabelSelectorRequirement.In, Values = ValueList.Create(["gold", "silver"]) }]) };
        var config = Cluster() with
        {
            Services = ValueList.Create([
                LoadBalancer("web", "front", annotations: [("metallb.io/address-pool", "private")], labels: [("tier", "gold")]),
                LoadBalancer("db", "back", annotations: [("metallb.io/address-pool", "private")], labels: [("tier", "bronze")]),
                LoadBalancer("ops", "plain", annotations: [("metallb.io/address-pool", "private")]),
            ]),
            L2Advertisements = ValueList.Create([new L2Advertisement
            {
                Metadata = new ObjectMeta { Name = "tiered-l2" },
                Spec = new L2AdvertisementSpec { ServiceSelectors = ValueList.Create([Selector(("team", "x")), tier]) },
            }]),
            BgpAdvertisements = ValueList.Create([
                new BgpAdvertisement { Metadata = new ObjectMeta { Name = "all-bgp" } },
                new BgpAdvertisement
                {
                    Metadata = new ObjectMeta { Name = "gold-bgp" },
                    Spec = new BgpAdvertisementSpec { LocalPref = 300, ServiceSelectors = ValueList.Create([Selector(("tier", "gold"))]) },
                },
            ]),
        };

        var intents = Resolve(config).ToDictionary(i => i.Name);

        Assert.Equal(["tiered-l2"], intents["front"].Layer2.Select(l => l.Advertisement));
        Assert.Equal(["all-bgp", "gold-bgp"], intents["front"].Bgp.Select(b => b.Advertisement));
        Assert.Empty(intents["back"].Layer2);
        Assert.Equal(["all-bgp"], intents["back"].Bgp.Select(b => b.Advertisement));
        Assert.Empty(intents["plain"].Layer2);
        Assert.Equal(["all-bgp"], intents["plain"].Bgp.Select(b => b.Advertisement));
    }

    private static ClusterConfiguration WithEndpoints(params Endpoint[] endpoints) => Cluster() with
    {
        EndpointSlices = ValueList.Create([new EndpointSlice
        {
            Metadata = new ObjectMeta { Name = "back-1", Namespace = "db", Labels = StringMap.Of(("kubernetes.io/service-name", "back")) },
            Endpoints = ValueList.Create(endpoints),
        }]),
    };

    private static Endpoint Ep(string address, string? node, bool? ready, bool? serving = null) =>
        new() { Addresses = ValueList.Create([address]), NodeName = node, Ready = ready, Serving = serving };

    [Fact]
    public void Resolve_EndpointTerminatingButServing_CountsAsMetalLbDoes()
    {
        var back = Resolve(WithEndpoints(Ep("192.0.2.51", "n1", ready: false, serving: true), Ep("192.0.2.52", "n2", ready: false, serving: false))).Single(i => i.Name == "back");

        Assert.Equal(["n1"], back.NodesWithReadyEndpoints);
        Assert.True(back.HasServingEndpoints);
    }

    [Fact]
    public void Resolve_EndpointWithoutNodeName_ServesTheClusterPolicyButNoNode()
    {
        var back = Resolve(WithEndpoints(Ep("192.0.2.51", null, ready: true))).Single(i => i.Name == "back");

        Assert.Empty(back.NodesWithReadyEndpoints);
        Assert.True(back.HasServingEndpoints);
        Assert.True(back.AnyServingEndpoint);
    }

    [Fact]
    public void Resolve_AddressReportedUnableElsewhereOnItsNode_DoesNotCount()
    {
        // MetalLB: for one address, "cannot serve" anywhere wins over "ready".
        var back = Resolve(WithEndpoints(Ep("192.0.2.51", "n1", ready: true), Ep("192.0.2.51", "n1", ready: false))).Single(i => i.Name == "back");

        Assert.Empty(back.NodesWithReadyEndpoints);
        Assert.False(back.HasServingEndpoints);
    }
}
