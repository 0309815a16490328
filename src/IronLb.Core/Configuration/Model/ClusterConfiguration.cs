using System.Text.Json;
using System.Text.Json.Serialization;

namespace IronLb.Core.Configuration;

/// <summary>Everything read from a manifests folder or the cluster: MetalLB's objects plus the Services, Nodes, EndpointSlices and Secrets they act on.</summary>
/// <remarks>
/// Every list compares by content, so two configurations are equal exactly when they hold the same
/// objects in the same order; <see cref="ToCanonicalJson"/> gives the same bytes for equal configurations.
/// </remarks>
public sealed record ClusterConfiguration
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };

    public static ClusterConfiguration Empty { get; } = new();

    public ValueList<IpAddressPool> IpAddressPools { get; init; } = [];

    public ValueList<L2Advertisement> L2Advertisements { get; init; } = [];

    public ValueList<BgpAdvertisement> BgpAdvertisements { get; init; } = [];

    public ValueList<BgpPeer> BgpPeers { get; init; } = [];

    public ValueList<BfdProfile> BfdProfiles { get; init; } = [];

    public ValueList<Community> Communities { get; init; } = [];

    public ValueList<Service> Services { get; init; } = [];

    public ValueList<Node> Nodes { get; init; } = [];

    public ValueList<EndpointSlice> EndpointSlices { get; init; } = [];

    public ValueList<Secret> Secrets { get; init; } = [];

    /// <summary>Namespaces, for the labels serviceAllocation.namespaceSelectors match.</summary>
    public ValueList<ClusterNamespace> Namespaces { get; init; } = [];

    /// <summary>The metallb-excludel2 ConfigMap when the configuration has one.</summary>
    public ValueList<ExcludeL2> ExcludeL2 { get; init; } = [];

    /// <summary>The interfaces Layer 2 never answers on: the metallb-excludel2 list, else MetalLB's shipped default.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Layer2InterfaceExclusions =>
        ExcludeL2.Count > 0 ? ExcludeL2[0].AnnouncedInterfacesToExclude : Configuration.ExcludeL2.MetalLbDefaults;

    /// <summary>The labels of each namespace that has a Namespace object, by name.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> NamespaceLabels =>
        Namespaces.GroupBy(n => n.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, string>)g.Last().Metadata.Labels, StringComparer.Ordinal);

    /// <summary>Every object, in the order of the lists above.</summary>
    [JsonIgnore]
    public IEnumerable<ManifestObject> AllObjects =>
        IpAddressPools.Cast<ManifestObject>().Concat(L2Advertisements).Concat(BgpAdvertisements).Concat(BgpPeers)
            .Concat(BfdProfiles).Concat(Communities).Concat(Services).Concat(Nodes).Concat(EndpointSlices).Concat(Secrets).Concat(Namespaces).Concat(ExcludeL2);

    /// <summary>True when both hold the same objects in the same order; the same as <c>Equals</c>, named for readers who expect reference semantics.</summary>
    public bool ContentEquals(ClusterConfiguration? other) => Equals(other);

    /// <summary>Deterministic UTF-8 JSON: fixed property order, map keys sorted, lists in load order.</summary>
    public byte[] ToCanonicalJson() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    /// <summary>Reads what <see cref="ToCanonicalJson"/> wrote.</summary>
    public static ClusterConfiguration FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<ClusterConfiguration>(json, JsonOptions) ?? throw new JsonException("configuration JSON was null");
}
