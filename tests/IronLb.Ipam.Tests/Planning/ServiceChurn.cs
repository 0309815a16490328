using IronLb.Core.Configuration;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>The cluster over time for the replica race tests: 1,000 Services created and 750 deleted, 50 at a time.</summary>
internal static class ServiceChurn
{
    public const int ServiceCount = 1000;
    private const int BatchSize = 50;

    /// <summary>The nodes every Service's Layer 2 addresses may be owned by.</summary>
    public static IReadOnlyList<string> Nodes { get; } = ["node-a", "node-b"];

    public static IpAddressPool SharedPool { get; } = Pool("shared", ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/64"]);

    /// <summary>
    /// Every step creates 50 Services (alternately IPv4 and IPv6) and, from the fifth step on, deletes 50 created
    /// earlier, until 1,000 were created and 750 deleted. One L2Advertisement covers the pool on both nodes, and every
    /// Service has a ready endpoint (on one node or the other), so election owes each address an owner.
    /// </summary>
    public static List<ClusterConfiguration> Timeline()
    {
        var all = Enumerable.Range(0, ServiceCount)
            .Select(i => LoadBalancer($"ns{i % 7}", $"svc{i:D4}", families: [i % 2 == 0 ? "IPv4" : "IPv6"]))
            .ToArray();
        var alive = new List<Service>();
        var deletionOrder = new Queue<Service>(all.Where((_, i) => i % 4 != 3));
        var timeline = new List<ClusterConfiguration>();
        for (var step = 0; step * BatchSize < ServiceCount || deletionOrder.Count > 0; step++)
        {
            alive.AddRange(all.Skip(step * BatchSize).Take(BatchSize));
            for (var d = 0; step >= 4 && d < BatchSize && deletionOrder.Count > 0 && alive.Contains(deletionOrder.Peek()); d++)
            {
                alive.Remove(deletionOrder.Dequeue());
            }

            timeline.Add(new ClusterConfiguration
            {
                IpAddressPools = ValueList.Create([SharedPool]),
                L2Advertisements = ValueList.Create([Advertisement]),
                Nodes = ValueList.Create([.. Nodes.Select(NodeNamed)]),
                Services = ValueList.Create([.. alive]),
                EndpointSlices = ValueList.Create([.. alive.Select(Endpoints)]),
            });
        }

        return timeline;
    }

    private static readonly L2Advertisement Advertisement = new() { Metadata = new ObjectMeta { Name = "shared-l2", Namespace = "metallb-system" } };

    private static Node NodeNamed(string name) => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = StringMap.Of(("kubernetes.io/hostname", name)) },
        Conditions = ValueList.Create([new NodeCondition { Type = "Ready", Status = "True" }]),
    };

    private static EndpointSlice Endpoints(Service service) => new()
    {
        Metadata = new ObjectMeta { Name = service.Name + "-1", Namespace = service.Namespace, Labels = StringMap.Of(("kubernetes.io/service-name", service.Name)) },
        Endpoints = ValueList.Create([new Endpoint { NodeName = Nodes[service.Name[^1] % 2], Ready = true }]),
    };
}
