namespace IronLb.Core.Configuration;

/// <summary>A Kubernetes label selector: every matchLabels pair and every matchExpressions requirement must hold.</summary>
public sealed record LabelSelector
{
    public StringMap MatchLabels { get; init; } = StringMap.Empty;

    public ValueList<LabelSelectorRequirement> MatchExpressions { get; init; } = [];

    /// <summary>True when the labels satisfy the selector; an empty selector matches everything, as in Kubernetes.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (key, value) in MatchLabels)
        {
            if (!labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return MatchExpressions.All(r => r.Matches(labels));
    }

    /// <summary>True when the object's labels match at least one selector, or when there are no selectors at all (MetalLB's rule).</summary>
    public static bool AnyMatches(IReadOnlyList<LabelSelector> selectors, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(selectors);
        return selectors.Count == 0 || selectors.Any(s => s.Matches(labels));
    }
}

/// <summary>One matchExpressions entry: a key, an operator (In, NotIn, Exists, DoesNotExist) and values.</summary>
public sealed record LabelSelectorRequirement
{
    public const string In = "In";
    public const string NotIn = "NotIn";
    public const string Exists = "Exists";
    public const string DoesNotExist = "DoesNotExist";

    public string Key { get; init; } = "";

    public string Operator { get; init; } = "";

    public ValueList<string> Values { get; init; } = [];

    /// <summary>Evaluates the requirement; an unknown operator never matches (the validator reports it).</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var present = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            In => present && Values.Contains(value!, StringComparer.Ordinal),
            // Kubernetes: NotIn also matches objects that lack the key entirely.
            NotIn => !present || !Values.Contains(value!, StringComparer.Ordinal),
            Exists => present,
            DoesNotExist => !present,
            _ => false,
        };
    }

    /// <summary>Why the requirement is malformed, or null when it is well formed (In/NotIn need values, Exists/DoesNotExist take none).</summary>
    public string? Problem() => Operator switch
    {
        _ when Key.Length == 0 => "matchExpressions entry has no key",
        In or NotIn when Values.Count == 0 => $"operator {Operator} on key \"{Key}\" needs at least one value",
        Exists or DoesNotExist when Values.Count > 0 => $"operator {Operator} on key \"{Key}\" takes no values",
        In or NotIn or Exists or DoesNotExist => null,
        _ => $"unknown operator \"{Operator}\" on key \"{Key}\" (expected In, NotIn, Exists or DoesNotExist)",
    };
}
