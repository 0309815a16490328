using System.Globalization;

namespace IronLb.Core.Configuration;

/// <summary>Rules about objects on their own: unique names, well-formed selectors, BFD bounds, community aliases, repeated list entries.</summary>
internal static class ObjectRules
{
    public static void Check(ValidationContext context)
    {
        var configuration = context.Configuration;

        // MetalLB refers to its own objects by bare name, so two of a kind with one name are ambiguous whatever their namespace.
        CheckUniqueNames(context, configuration.IpAddressPools, o => o.Name);
        CheckUniqueNames(context, configuration.L2Advertisements, o => o.Name);
        CheckUniqueNames(context, configuration.BgpAdvertisements, o => o.Name);
        CheckUniqueNames(context, configuration.BgpPeers, o => o.Name);
        CheckUniqueNames(context, configuration.BfdProfiles, o => o.Name);
        CheckUniqueNames(context, configuration.Communities, o => o.Name);
        CheckUniqueNames(context, configuration.Services, o => $"{o.Namespace}/{o.Name}");
        CheckUniqueNames(context, configuration.Nodes, o => o.Name);
        CheckUniqueNames(context, configuration.EndpointSlices, o => $"{o.Namespace}/{o.Name}");
        CheckUniqueNames(context, configuration.Secrets, o => $"{o.Namespace}/{o.Name}");

        foreach (var (subject, path, selector, earlier) in AllSelectors(configuration))
        {
            // MetalLB rejects a selector list that repeats itself, as it does every repeated list entry.
            if (earlier.Contains(selector))
            {
                context.Report(subject, $"{path}: duplicate label selector {Describe(selector)}");
            }

            for (var i = 0; i < selector.MatchExpressions.Count; i++)
            {
                var requirement = selector.MatchExpressions[i];
                var where = $"{path}.matchExpressions[{i.ToString(CultureInfo.InvariantCulture)}]";
                if (requirement.Problem() is { } problem)
                {
                    context.Report(subject, $"{where}: invalid label selector: {problem}");
                }

                if (selector.MatchExpressions.Take(i).Contains(requirement))
                {
                    context.Report(subject, $"{where}: duplicate match expression on key \"{requirement.Key}\"");
                }

                foreach (var value in requirement.Values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
                {
                    context.Report(subject, $"{where}.values: duplicate entry \"{value}\"");
                }
            }
        }

        foreach (var profile in configuration.BfdProfiles)
        {
            CheckBfd(context, profile);
        }

        CheckCommunityAliases(context);
        CheckRepeatedEntries(context);
    }

    private static void CheckUniqueNames<T>(ValidationContext context, IEnumerable<T> objects, Func<T, string> key)
        where T : ManifestObject
    {
        var first = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in objects)
        {
            if (!first.TryAdd(key(item), item))
            {
                var original = first[key(item)];
                context.Report(item, $"duplicate {item.Kind} name \"{key(item)}\" (already defined in {original.SourceFile})");
            }
        }
    }

    private static string Describe(LabelSelector selector) =>
        "{" + string.Join(", ", selector.MatchLabels.Select(l => $"{l.Key}={l.Value}")
            .Concat(selector.MatchExpressions.Select(e => $"{e.Key} {e.Operator} ({string.Join(",", e.Values)})"))) + "}";

    /// <summary>Every selector list in the configuration, each selector with the ones before it in its list.</summary>
    private static IEnumerable<(ManifestObject Subject, string Path, LabelSelector Selector, IEnumerable<LabelSelector> Earlier)> AllSelectors(ClusterConfiguration configuration)
    {
        var lists = new List<(ManifestObject, string, IReadOnlyList<LabelSelector>)>();
        foreach (var pool in configuration.IpAddressPools)
        {
            if (pool.Spec.ServiceAllocation is { } allocation)
            {
                lists.Add((pool, "spec.serviceAllocation.namespaceSelectors", allocation.NamespaceSelectors));
                lists.Add((pool, "spec.serviceAllocation.serviceSelectors", allocation.ServiceSelectors));
            }
        }

        foreach (var adv in configuration.L2Advertisements)
        {
            lists.Add((adv, "spec.ipAddressPoolSelectors", adv.Spec.IpAddressPoolSelectors));
            lists.Add((adv, "spec.nodeSelectors", adv.Spec.NodeSelectors));
            lists.Add((adv, "spec.serviceSelectors", adv.Spec.ServiceSelectors));
        }

        foreach (var adv in configuration.BgpAdvertisements)
        {
            lists.Add((adv, "spec.ipAddressPoolSelectors", adv.Spec.IpAddressPoolSelectors));
            lists.Add((adv, "spec.nodeSelectors", adv.Spec.NodeSelectors));
            lists.Add((adv, "spec.serviceSelectors", adv.Spec.ServiceSelectors));
        }

        foreach (var peer in configuration.BgpPeers)
        {
            lists.Add((peer, "spec.nodeSelectors", peer.Spec.NodeSelectors));
        }

        foreach (var (subject, path, selectors) in lists)
        {
            for (var i = 0; i < selectors.Count; i++)
            {
                yield return (subject, $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", selectors[i], selectors.Take(i));
            }
        }
    }

    // Bounds from MetalLB's BFDProfile CRD and its config parser (FRR's bfdd limits).
    private static void CheckBfd(ValidationContext context, BfdProfile profile)
    {
        void Bound(string field, uint? value, uint min, uint max)
        {
            if (value is { } v && (v < min || v > max))
            {
                context.Report(profile, $"spec.{field}: {v.ToString(CultureInfo.InvariantCulture)} is out of range {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        Bound("receiveInterval", profile.Spec.ReceiveInterval, 10, 60000);
        Bound("transmitInterval", profile.Spec.TransmitInterval, 10, 60000);
        Bound("echoInterval", profile.Spec.EchoInterval, 10, 60000);
        Bound("detectMultiplier", profile.Spec.DetectMultiplier, 2, 255);
        Bound("minimumTtl", profile.Spec.MinimumTtl, 1, 254);
    }

    private static void CheckCommunityAliases(ValidationContext context)
    {
        var seen = new Dictionary<string, Community>(StringComparer.Ordinal);
        foreach (var community in context.Configuration.Communities)
        {
            foreach (var alias in community.Spec.Communities)
            {
                if (alias.Name.Length == 0)
                {
                    context.Report(community, "spec.communities: an alias has no name");
                }
                else if (!seen.TryAdd(alias.Name, community))
                {
                    context.Report(community, $"spec.communities: duplicate definition of community alias \"{alias.Name}\" (already defined in Community/{seen[alias.Name].Name})");
                }

                if (!BgpCommunityValue.TryParse(alias.Value, out _, out _))
                {
                    context.Report(community, $"spec.communities: alias \"{alias.Name}\" has invalid community value \"{alias.Value}\" (expected \"ASN:VALUE\" with 16-bit parts or \"large:A:B:C\" with 32-bit parts)");
                }
            }
        }
    }

    // MetalLB rejects a list that names the same thing twice: it is always a copy-paste slip.
    private static void CheckRepeatedEntries(ValidationContext context)
    {
        void Repeated(ManifestObject subject, string field, IEnumerable<string> values)
        {
            foreach (var value in values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
            {
                context.Report(subject, $"{field}: duplicate entry \"{value}\"");
            }
        }

        foreach (var pool in context.Configuration.IpAddressPools)
        {
            Repeated(pool, "spec.serviceAllocation.namespaces", pool.Spec.ServiceAllocation?.Namespaces ?? []);
        }

        foreach (var adv in context.Configuration.L2Advertisements)
        {
            Repeated(adv, "spec.ipAddressPools", adv.Spec.IpAddressPools);
            Repeated(adv, "spec.interfaces", adv.Spec.Interfaces);
        }

        foreach (var adv in context.Configuration.BgpAdvertisements)
        {
            Repeated(adv, "spec.ipAddressPools", adv.Spec.IpAddressPools);
            Repeated(adv, "spec.communities", adv.Spec.Communities);
            Repeated(adv, "spec.peers", adv.Spec.Peers);
        }
    }
}
