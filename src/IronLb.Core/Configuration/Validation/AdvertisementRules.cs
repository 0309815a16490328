using System.Globalization;

namespace IronLb.Core.Configuration;

/// <summary>Rules about L2 and BGP advertisements: what they refer to, aggregation, LOCAL_PREF agreement, communities.</summary>
internal static class AdvertisementRules
{
    public static void Check(ValidationContext context)
    {
        var configuration = context.Configuration;
        var poolNames = configuration.IpAddressPools.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var peerNames = configuration.BgpPeers.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        foreach (var adv in configuration.L2Advertisements)
        {
            ReportUnknown(context, adv, "spec.ipAddressPools", "IPAddressPool", adv.Spec.IpAddressPools, poolNames);
        }

        foreach (var adv in configuration.BgpAdvertisements)
        {
            ReportUnknown(context, adv, "spec.ipAddressPools", "IPAddressPool", adv.Spec.IpAddressPools, poolNames);
            ReportUnknown(context, adv, "spec.peers", "BGPPeer", adv.Spec.Peers, peerNames);
            CheckAggregation(context, adv);
            CheckCommunities(context, adv);
            CheckBfdEcho(context, adv);
        }

        CheckLocalPreferences(context);
    }

    private static void ReportUnknown(ValidationContext context, ManifestObject subject, string field, string kind, IEnumerable<string> names, HashSet<string> known)
    {
        foreach (var name in names.Where(n => !known.Contains(n)).Distinct(StringComparer.Ordinal))
        {
            context.Report(subject, $"{field}: {kind} \"{name}\" does not exist");
        }
    }

    private static void CheckAggregation(ValidationContext context, BgpAdvertisement adv)
    {
        var spec = adv.Spec;

        // MetalLB's CRD: aggregationLength has a minimum of 1, and the parser caps both at the address width.
        var v4InRange = spec.AggregationLength is >= 1 and <= 32;
        var v6InRange = spec.AggregationLengthV6 is >= 0 and <= 128;
        if (!v4InRange)
        {
            context.Report(adv, $"spec.aggregationLength: {spec.AggregationLength.ToString(CultureInfo.InvariantCulture)} is out of range 1..32");
        }

        if (!v6InRange)
        {
            context.Report(adv, $"spec.aggregationLengthV6: {spec.AggregationLengthV6.ToString(CultureInfo.InvariantCulture)} is out of range 0..128");
        }

        // MetalLB: an advertisement that picks Services by label announces each Service's own addresses, so it cannot aggregate.
        if (spec.ServiceSelectors.Count > 0 && spec.AggregationLength != 32)
        {
            context.Report(adv, "spec.serviceSelectors and spec.aggregationLength are mutually exclusive (aggregationLength must stay 32)");
        }

        if (spec.ServiceSelectors.Count > 0 && spec.AggregationLengthV6 != 128)
        {
            context.Report(adv, "spec.serviceSelectors and spec.aggregationLengthV6 are mutually exclusive (aggregationLengthV6 must stay 128)");
        }

        // An aggregate shorter than the pool's own prefix would announce addresses the pool does not own.
        foreach (var pool in context.PoolsFor(spec.IpAddressPools, spec.IpAddressPoolSelectors))
        {
            foreach (var entry in context.PoolRanges.GetValueOrDefault(pool.Name) ?? [])
            {
                var isV4 = entry.Range.Family == IpFamily.IPv4;
                var (length, field, inRange) = isV4 ? (spec.AggregationLength, "aggregationLength", v4InRange) : (spec.AggregationLengthV6, "aggregationLengthV6", v6InRange);
                var shortest = entry.Range.ShortestPrefixLength();
                if (inRange && length < shortest)
                {
                    context.Report(adv, $"spec.{field}: {length.ToString(CultureInfo.InvariantCulture)} is shorter than prefix length {shortest.ToString(CultureInfo.InvariantCulture)} of \"{entry.Text}\" in IPAddressPool/{pool.Name}");
                }
            }
        }
    }

    private static void CheckCommunities(ValidationContext context, BgpAdvertisement adv)
    {
        var aliasNames = context.Configuration.Communities.SelectMany(c => c.Spec.Communities).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var text in adv.Spec.Communities)
        {
            if (aliasNames.Contains(text) || BgpCommunityValue.TryParse(text, out _, out var wellShaped))
            {
                continue;
            }

            context.Report(adv, wellShaped
                ? $"spec.communities: invalid community value \"{text}\" (\"ASN:VALUE\" takes 16-bit parts, \"large:A:B:C\" 32-bit parts)"
                : $"spec.communities: \"{text}\" is neither a community (\"ASN:VALUE\" or \"large:A:B:C\") nor a defined Community alias");
        }
    }

    // MetalLB: BFD echo mode cannot run on IPv6 sessions, so an IPv6 pool must not be advertised to a peer whose profile enables it.
    private static void CheckBfdEcho(ValidationContext context, BgpAdvertisement adv)
    {
        var hasIpv6 = context.PoolsFor(adv.Spec.IpAddressPools, adv.Spec.IpAddressPoolSelectors)
            .Any(p => (context.PoolRanges.GetValueOrDefault(p.Name) ?? []).Any(r => r.Range.Family == IpFamily.IPv6));
        if (!hasIpv6)
        {
            return;
        }

        var echoProfiles = context.Configuration.BfdProfiles.Where(p => p.Spec.EchoMode == true).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var peers = context.Configuration.BgpPeers.Where(p => adv.Spec.Peers.Count == 0 || adv.Spec.Peers.Contains(p.Name, StringComparer.Ordinal));
        foreach (var peer in peers.Where(p => p.Spec.BfdProfile is { } profile && echoProfiles.Contains(profile)))
        {
            context.Report(adv, $"advertises an IPv6 pool to BGPPeer/{peer.Name}, whose BFDProfile \"{peer.Spec.BfdProfile}\" enables echo mode, which IPv6 does not support");
        }
    }

    // One BGP UPDATE carries one LOCAL_PREF, so two advertisements that would produce the same route
    // (same pool, same aggregation, shared peers and nodes) must agree on it. As in MetalLB, advertisements that pick
    // Services by label are left out: which Services they meet is not known until run time, where the bgp agent
    // keeps the peer's previous routes and reports the conflict.
    private static void CheckLocalPreferences(ValidationContext context)
    {
        var advertisements = context.Configuration.BgpAdvertisements;
        var pools = advertisements.Select(a => context.PoolsFor(a.Spec.IpAddressPools, a.Spec.IpAddressPoolSelectors).Select(p => p.Name).ToHashSet(StringComparer.Ordinal)).ToArray();
        var nodes = advertisements.Select(a => context.NodesFor(a.Spec.NodeSelectors)).ToArray();
        for (var later = 1; later < advertisements.Count; later++)
        {
            for (var earlier = 0; earlier < later; earlier++)
            {
                var (a, b) = (advertisements[earlier], advertisements[later]);
                var (prefA, prefB) = (a.Spec.LocalPref ?? 0, b.Spec.LocalPref ?? 0);
                if (prefA == prefB || a.Spec.ServiceSelectors.Count > 0 || b.Spec.ServiceSelectors.Count > 0)
                {
                    continue;
                }

                var sharedPool = pools[earlier].Where(pools[later].Contains).Order(StringComparer.Ordinal)
                    .FirstOrDefault(pool => !Compatible(context, a, b, pool, nodes[earlier], nodes[later]));
                if (sharedPool is null)
                {
                    continue;
                }

                context.Report(b, $"spec.localPref: {prefB.ToString(CultureInfo.InvariantCulture)} conflicts with localPref {prefA.ToString(CultureInfo.InvariantCulture)} of BGPAdvertisement/{a.Name} for IPAddressPool/{sharedPool} (same aggregation length, peers and nodes)");
            }
        }
    }

    private static bool Compatible(ValidationContext context, BgpAdvertisement a, BgpAdvertisement b, string pool, HashSet<string> nodesA, HashSet<string> nodesB)
    {
        // MetalLB: different aggregation lengths make different routes, counted only for the families the pool holds.
        var ranges = context.PoolRanges.GetValueOrDefault(pool) ?? [];
        var (hasV4, hasV6) = (ranges.Any(r => r.Range.Family == IpFamily.IPv4), ranges.Any(r => r.Range.Family == IpFamily.IPv6));
        var (v4Differs, v6Differs) = (a.Spec.AggregationLength != b.Spec.AggregationLength, a.Spec.AggregationLengthV6 != b.Spec.AggregationLengthV6);
        if ((!hasV4 && !hasV6) || (v4Differs && !hasV6) || (v6Differs && !hasV4) || (v4Differs && v6Differs))
        {
            return true;
        }

        if (a.Spec.Peers.Count > 0 && b.Spec.Peers.Count > 0 && !a.Spec.Peers.Intersect(b.Spec.Peers, StringComparer.Ordinal).Any())
        {
            return true;
        }

        // Without any Node in the folder the node sets cannot be told apart; in a cluster every node would
        // match an empty selector, so assume they meet rather than let a real conflict through.
        return context.Configuration.Nodes.Count > 0 && !nodesA.Overlaps(nodesB);
    }
}
