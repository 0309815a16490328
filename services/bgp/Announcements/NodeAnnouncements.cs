using System.Globalization;
using System.Net;
using IronLb.Core.Contracts;

namespace IronLb.Bgp.Announcements;

/// <summary>One prefix this node should announce, with the attributes its BGPAdvertisement sets.</summary>
/// <param name="Prefix">The prefix, e.g. "203.0.113.10/32"; aggregation applied.</param>
/// <param name="Advertisement">The BGPAdvertisement it comes from.</param>
/// <param name="Peers">BGPPeer names to announce it to; empty means every peer.</param>
/// <param name="LocalPref">LOCAL_PREF for iBGP peers, or null.</param>
/// <param name="Communities">RFC 1997 communities.</param>
/// <param name="LargeCommunities">RFC 8092 large communities.</param>
/// <param name="Services">The Services ("namespace/name") behind it.</param>
internal sealed record PrefixAnnouncement(
    string Prefix,
    string Advertisement,
    IReadOnlyList<string> Peers,
    uint? LocalPref,
    IReadOnlyList<string> Communities,
    IReadOnlyList<string> LargeCommunities,
    IReadOnlyList<string> Services);

/// <summary>What one node announces over BGP, from the intents. Pure.</summary>
/// <remarks>
/// MetalLB's rules: a node announces a Service's addresses when a BGPAdvertisement selects the node and the
/// traffic policy allows it: Local, when the node has an endpoint that can serve (ready, or serving while terminating);
/// Cluster, when any endpoint can, even one no node hosts.
/// </remarks>
internal static class NodeAnnouncements
{
    /// <summary>The announcements of <paramref name="node"/>, one per prefix and advertisement, sorted.</summary>
    public static IReadOnlyList<PrefixAnnouncement> For(string node, IntentSet intents)
    {
        var byKey = new SortedDictionary<(string Prefix, string Advertisement), (BgpAnnouncement Bgp, SortedSet<string> Services)>();
        foreach (var intent in intents.Intents)
        {
            bool local = string.Equals(intent.ExternalTrafficPolicy, "Local", StringComparison.OrdinalIgnoreCase);
            bool serves = local ? intent.NodesWithReadyEndpoints.Contains(node) : intent.AnyServingEndpoint;
            if (!serves)
            {
                continue;
            }

            foreach (var bgp in intent.Bgp.Where(b => b.Nodes.Contains(node)))
            {
                foreach (var address in intent.Addresses)
                {
                    var key = (Aggregate(address, bgp), bgp.Advertisement);
                    if (!byKey.TryGetValue(key, out var entry))
                    {
                        entry = (bgp, new SortedSet<string>(StringComparer.Ordinal));
                        byKey.Add(key, entry);
                    }

                    entry.Services.Add(intent.Namespace + "/" + intent.Name);
                }
            }
        }

        return [.. byKey.Select(kv => new PrefixAnnouncement(
            kv.Key.Prefix, kv.Key.Advertisement, kv.Value.Bgp.Peers, kv.Value.Bgp.LocalPref,
            kv.Value.Bgp.Communities, kv.Value.Bgp.LargeCommunities, [.. kv.Value.Services]))];
    }

    /// <summary>The address masked to the advertisement's aggregation length for its family.</summary>
    internal static string Aggregate(string address, BgpAnnouncement bgp)
    {
        var ip = IPAddress.Parse(address);
        int length = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? bgp.AggregationLengthV6 : bgp.AggregationLength;
        var bytes = ip.GetAddressBytes();
        for (int bit = length; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes) + "/" + length.ToString(CultureInfo.InvariantCulture);
    }
}
