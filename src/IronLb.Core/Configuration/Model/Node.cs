using System.Text.Json.Serialization;

namespace IronLb.Core.Configuration;

/// <summary>v1 Node: its labels, conditions and addresses.</summary>
public sealed record Node() : ManifestObject(KindName)
{
    public const string KindName = "Node";

    /// <summary>A node carrying this label never announces load-balancer addresses (Kubernetes and MetalLB convention).</summary>
    public const string ExcludeFromExternalLoadBalancersLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

    public ValueList<NodeCondition> Conditions { get; init; } = [];

    /// <summary>status.addresses: InternalIP, ExternalIP, Hostname and so on.</summary>
    public ValueList<NodeAddress> Addresses { get; init; } = [];

    [JsonIgnore]
    public bool ExcludedFromExternalLoadBalancers => Metadata.Labels.ContainsKey(ExcludeFromExternalLoadBalancersLabel);

    /// <summary>True when the Ready condition is "True".</summary>
    [JsonIgnore]
    public bool IsReady => ConditionIs("Ready", "True");

    /// <summary>True when the NetworkUnavailable condition is "True".</summary>
    [JsonIgnore]
    public bool IsNetworkUnavailable => ConditionIs("NetworkUnavailable", "True");

    private bool ConditionIs(string type, string status) =>
        Conditions.Any(c => string.Equals(c.Type, type, StringComparison.Ordinal) && string.Equals(c.Status, status, StringComparison.Ordinal));
}

/// <summary>One status.conditions entry of a Node.</summary>
public sealed record NodeCondition
{
    public string Type { get; init; } = "";

    /// <summary>"True", "False" or "Unknown".</summary>
    public string Status { get; init; } = "";
}

/// <summary>One status.addresses entry of a Node.</summary>
public sealed record NodeAddress
{
    public string Type { get; init; } = "";

    public string Address { get; init; } = "";
}
