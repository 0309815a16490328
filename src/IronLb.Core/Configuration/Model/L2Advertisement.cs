namespace IronLb.Core.Configuration;

/// <summary>metallb.io/v1beta1 L2Advertisement: announce some pools' addresses with ARP/NDP from some nodes.</summary>
public sealed record L2Advertisement() : ManifestObject(KindName)
{
    public const string KindName = "L2Advertisement";

    public L2AdvertisementSpec Spec { get; init; } = new();
}

/// <summary>The spec of an L2Advertisement; no pools and no pool selectors means every pool.</summary>
public sealed record L2AdvertisementSpec
{
    public ValueList<string> IpAddressPools { get; init; } = [];

    public ValueList<LabelSelector> IpAddressPoolSelectors { get; init; } = [];

    /// <summary>Nodes that may announce; empty means every node.</summary>
    public ValueList<LabelSelector> NodeSelectors { get; init; } = [];

    /// <summary>Interfaces to announce on; empty means any suitable interface.</summary>
    public ValueList<string> Interfaces { get; init; } = [];

    /// <summary>Services it applies to, by their labels (any selector matching); empty means every Service.</summary>
    public ValueList<LabelSelector> ServiceSelectors { get; init; } = [];
}
