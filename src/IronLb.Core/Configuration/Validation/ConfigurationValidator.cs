namespace IronLb.Core.Configuration;

/// <summary>Checks a whole configuration against MetalLB's rules and reports every problem at once, not just the first.</summary>
public static class ConfigurationValidator
{
    /// <summary>Every problem found, grouped by file (ordinal), in the order the rules found them within a file; empty when valid.</summary>
    public static IReadOnlyList<ConfigurationError> Validate(ClusterConfiguration configuration) => Validate(configuration, out _);

    /// <summary>As <see cref="Validate(ClusterConfiguration)"/>; <paramref name="warnings"/> names what is accepted but not acted on as MetalLB would.</summary>
    public static IReadOnlyList<ConfigurationError> Validate(ClusterConfiguration configuration, out IReadOnlyList<ConfigurationError> warnings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var context = new ValidationContext(configuration);
        ObjectRules.Check(context);
        PoolRules.Check(context);
        PeerRules.Check(context);
        AdvertisementRules.Check(context);
        ExcludeL2Rules.Check(context);

        // OrderBy is stable: within one file the rules' order survives, which keeps related lines together.
        warnings = context.Warnings.OrderBy(e => e.File, StringComparer.Ordinal).ToArray();
        return context.Errors.OrderBy(e => e.File, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Loads a directory and validates it; every error grouped by file (load errors first within a file), ready to print one per line.</summary>
    public static IReadOnlyList<ConfigurationError> LoadAndValidate(string directory, out ClusterConfiguration configuration) =>
        LoadAndValidate(directory, out configuration, out _);

    /// <summary>As above, with the warnings: fields not read, and fields read but not acted on as MetalLB acts on them.</summary>
    public static IReadOnlyList<ConfigurationError> LoadAndValidate(string directory, out ClusterConfiguration configuration, out IReadOnlyList<ConfigurationError> warnings)
    {
        var loaded = ManifestLoader.LoadDirectory(directory);
        configuration = loaded.Configuration;
        var errors = Validate(loaded.Configuration, out var ruleWarnings);
        warnings = loaded.Warnings.Concat(ruleWarnings).OrderBy(e => e.File, StringComparer.Ordinal).ToArray();
        return loaded.Errors.Concat(errors).OrderBy(e => e.File, StringComparer.Ordinal).ToArray();
    }
}

/// <summary>What the rules share: the configuration, the errors found so far, and facts derived once (parsed pools, known names).</summary>
internal sealed class ValidationContext
{
    public ValidationContext(ClusterConfiguration configuration)
    {
        Configuration = configuration;
        foreach (var pool in configuration.IpAddressPools)
        {
            var ranges = new List<PoolRange>();
            foreach (var text in pool.Spec.Addresses)
            {
                if (IpAddressRange.TryParse(text, out var range, out _))
                {
                    ranges.Add(new PoolRange(text, range));
                }
            }

            PoolRanges.TryAdd(pool.Name, ranges);
        }

        foreach (var alias in configuration.Communities.SelectMany(c => c.Spec.Communities))
        {
            if (BgpCommunityValue.TryParse(alias.Value, out var value, out _))
            {
                CommunityAliases.TryAdd(alias.Name, value);
            }
        }
    }

    public ClusterConfiguration Configuration { get; }

    public List<ConfigurationError> Errors { get; } = [];

    public List<ConfigurationError> Warnings { get; } = [];

    public void Warn(ManifestObject subject, string message) => Warnings.Add(ConfigurationError.About(subject, message));

    /// <summary>The parseable address entries of each pool, by pool name (first definition wins on duplicates).</summary>
    public Dictionary<string, IReadOnlyList<PoolRange>> PoolRanges { get; } = new(StringComparer.Ordinal);

    /// <summary>Valid community aliases by name (first definition wins on duplicates).</summary>
    public Dictionary<string, BgpCommunityValue> CommunityAliases { get; } = new(StringComparer.Ordinal);

    public void Report(ManifestObject subject, string message) => Errors.Add(ConfigurationError.About(subject, message));

    /// <summary>The pools an advertisement applies to: those named plus those selected, or every pool when it names and selects none (MetalLB's rule).</summary>
    public IReadOnlyList<IpAddressPool> PoolsFor(IReadOnlyList<string> names, IReadOnlyList<LabelSelector> selectors)
    {
        var pools = Configuration.IpAddressPools;
        if (names.Count == 0 && selectors.Count == 0)
        {
            return pools;
        }

        return pools.Where(p => names.Contains(p.Name, StringComparer.Ordinal) || selectors.Any(s => s.Matches(p.Metadata.Labels))).ToList();
    }

    /// <summary>The names of the nodes the selectors allow; every node when there are none.</summary>
    public HashSet<string> NodesFor(IReadOnlyList<LabelSelector> selectors) =>
        Configuration.Nodes.Where(n => LabelSelector.AnyMatches(selectors, n.Metadata.Labels)).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
}

/// <summary>One parseable address entry of a pool, as written and as parsed.</summary>
internal sealed record PoolRange(string Text, IpAddressRange Range);
