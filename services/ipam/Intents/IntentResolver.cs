using IronLb.Core.Configuration;
using IronLb.Core.Contracts;
using IronLb.Ipam.Allocation;

namespace IronLb.Ipam.Intents;

/// <summary>
/// Turns assignments into announcement intents: for each Service with addresses, the L2 and BGP
/// advertisements that select its pool and (by serviceSelectors, when they have any) the Service, resolved against nodes and community aliases, plus its traffic
/// policy and where its endpoints that can serve are.
/// </summary>
internal static class IntentResolver
{
    /// <summary>One intent per assignment, sorted by namespace then name.</summary>
    public static IReadOnlyList<AnnouncementIntent> Resolve(ClusterConfiguration configuration, IEnumerable<AddressAssignment> assignments)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(assignments);

        var pools = configuration.IpAddressPools.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var services = configuration.Services.GroupBy(s => new ServiceKey(s.Namespace, s.Name)).ToDictionary(g => g.Key, g => g.First());
        var aliases = configuration.Communities.SelectMany(c => c.Spec.Communities)
            .GroupBy(a => a.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

        // MetalLB never announces from a node labelled exclude-from-external-load-balancers, nor from one whose
        // network is unavailable.
        var announcingNodes = configuration.Nodes.Where(n => !n.ExcludedFromExternalLoadBalancers && !n.IsNetworkUnavailable).ToArray();
        var serving = ServingEndpointsByService(configuration);

        var intents = new List<AnnouncementIntent>();
        foreach (var assignment in assignments.OrderBy(a => a.Service))
        {
            pools.TryGetValue(assignment.Pool, out var pool);
            services.TryGetValue(assignment.Service, out var service);
            IReadOnlyDictionary<string, string> labels = service?.Metadata.Labels ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>();
            var layer2 = configuration.L2Advertisements
                .Where(ad => pool is not null && SelectsPool(ad.Spec.IpAddressPools, ad.Spec.IpAddressPoolSelectors, pool))
                .Where(ad => LabelSelector.AnyMatches(ad.Spec.ServiceSelectors, labels))
                .OrderBy(ad => ad.Name, StringComparer.Ordinal)
                .Select(ad => new Layer2Announcement(ad.Name, NodesFor(ad.Spec.NodeSelectors, announcingNodes), [.. ad.Spec.Interfaces]))
                .ToArray();
            var bgp = configuration.BgpAdvertisements
                .Where(ad => pool is not null && SelectsPool(ad.Spec.IpAddressPools, ad.Spec.IpAddressPoolSelectors, pool))
                .Where(ad => LabelSelector.AnyMatches(ad.Spec.ServiceSelectors, labels))
                .OrderBy(ad => ad.Name, StringComparer.Ordinal)
                .Select(ad => ResolveBgp(ad, announcingNodes, aliases))
                .ToArray();

            intents.Add(new AnnouncementIntent(
                assignment.Service.Namespace,
                assignment.Service.Name,
                [.. assignment.Addresses.Select(a => a.ToString())],
                assignment.Pool,
                layer2,
                bgp,
                service?.Spec.ExternalTrafficPolicy ?? ServiceSpec.TrafficPolicyCluster,
                serving.TryGetValue(assignment.Service, out var endpoints) ? endpoints.Nodes : [],
                endpoints.Any));
        }

        return intents;
    }

    /// <summary>MetalLB: an advertisement naming no pools and no pool selectors applies to every pool.</summary>
    private static bool SelectsPool(ValueList<string> names, ValueList<LabelSelector> selectors, IpAddressPool pool) =>
        (names.Count == 0 && selectors.Count == 0)
        || names.Contains(pool.Name, StringComparer.Ordinal)
        || selectors.Any(s => s.Matches(pool.Metadata.Labels));

    private static string[] NodesFor(IReadOnlyList<LabelSelector> selectors, IEnumerable<Node> nodes) =>
        [.. nodes.Where(n => LabelSelector.AnyMatches(selectors, n.Metadata.Labels)).Select(n => n.Name).Distinct().Order(StringComparer.Ordinal)];

    private static BgpAnnouncement ResolveBgp(BgpAdvertisement advertisement, IEnumerable<Node> nodes, Dictionary<string, string> aliases)
    {
        var standard = new SortedSet<string>(StringComparer.Ordinal);
        var large = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var written in advertisement.Spec.Communities)
        {
            // A name that is not "A:B" or "large:A:B:C" refers to a Community object's alias.
            var value = aliases.TryGetValue(written, out var aliased) ? aliased : written;
            if (value.StartsWith("large:", StringComparison.Ordinal))
            {
                large.Add(value["large:".Length..]);
            }
            else
            {
                standard.Add(value);
            }
        }

        return new BgpAnnouncement(
            advertisement.Name,
            NodesFor(advertisement.Spec.NodeSelectors, nodes),
            advertisement.Spec.AggregationLength,
            advertisement.Spec.AggregationLengthV6,
            advertisement.Spec.LocalPref,
            [.. standard],
            [.. large],
            [.. advertisement.Spec.Peers.Order(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Per Service, the nodes with an endpoint that can serve, and whether any endpoint can, on a node or not.
    /// MetalLB judges by address: an address that some slice reports as unable to serve does not count, wherever
    /// else it appears ready.
    /// </summary>
    private static Dictionary<ServiceKey, (string[] Nodes, bool Any)> ServingEndpointsByService(ClusterConfiguration configuration) =>
        configuration.EndpointSlices
            .Where(s => s.ServiceName is not null)
            .GroupBy(s => new ServiceKey(s.Namespace, s.ServiceName!))
            .ToDictionary(g => g.Key, g => Serving([.. g.SelectMany(s => s.Endpoints)]));

    private static (string[] Nodes, bool Any) Serving(IReadOnlyList<Core.Configuration.Endpoint> endpoints)
    {
        // Local looks at one node's endpoints only, as MetalLB filters by node before it judges the addresses.
        var nodes = endpoints.Where(e => !string.IsNullOrEmpty(e.NodeName)).GroupBy(e => e.NodeName!, StringComparer.Ordinal)
            .Where(g => AnyCanServe([.. g])).Select(g => g.Key).Order(StringComparer.Ordinal).ToArray();
        return (nodes, AnyCanServe(endpoints));
    }

    // The API gives every endpoint at least one address; one without is judged by its own conditions.
    private static bool AnyCanServe(IReadOnlyList<Core.Configuration.Endpoint> endpoints)
    {
        var unable = endpoints.Where(e => !e.CanServe).SelectMany(e => e.Addresses).ToHashSet(StringComparer.Ordinal);
        return endpoints.Any(e => e.CanServe && (e.Addresses.Count == 0 || e.Addresses.Any(a => !unable.Contains(a))));
    }
}
