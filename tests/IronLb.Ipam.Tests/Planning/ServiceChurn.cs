using IronLb.Core.Configuration;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>The cluster over time for the replica race tests: 1,000 Services created and 750 deleted, 50 at a time.</summary>
internal static class ServiceChurn
{
    public const int ServiceCount = 1000;
    private const int BatchSize = 50;

    public static IpAddressPool SharedPool { get; } = Pool("shared", ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/64"]);

    /// <summary>
    /// Every step creates 50 Services (alternately IPv4 and IPv6) and, from the fifth step on, deletes 50 created
    /// earlier, until 1,000 were created and 750 deleted.
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

            timeline.Add(new ClusterConfiguration { IpAddressPools = ValueList.Create([SharedPool]), Services = ValueList.Create([.. alive]) });
        }

        return timeline;
    }
}
