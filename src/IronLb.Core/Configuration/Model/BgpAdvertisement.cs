namespace IronLb.Core.Configuration;

/// <summary>metallb.io/v1beta1 BGPAdvertisement: announce some pools' addresses over BGP with given attributes.</summary>
public sealed record BgpAdvertisement() : ManifestObject(KindName)
{
    public const string KindName = "BGPAdvertisement";

    public BgpAdvertisementSpec Spec { get; init; } = new();
}

/// <summary>The spec of a BGPAdvertisement; no pools and no pool selectors means every pool.</summary>
public sealed record BgpAdvertisementSpec
{
    /// <summary>IPv4 prefix length to announce; default 32 (no aggregation).</summary>
    public int AggregationLength { get; init; } = 32;

    /// <summary>IPv6 prefix length to announce; default 128 (no aggregation).</summary>
    public int AggregationLengthV6 { get; init; } = 128;

    /// <summary>LOCAL_PREF for iBGP peers; null when not set.</summary>
    public uint? LocalPref { get; init; }

    /// <summary>Communities as written: "ASN:VALUE", "large:A:B:C" or a Community alias name.</summary>
    public ValueList<string> Communities { get; init; } = [];

    public ValueList<string> IpAddressPools { get; init; } = [];

    public ValueList<LabelSelector> IpAddressPoolSelectors { get; init; } = [];

    /// <summary>Nodes that may announce; empty means every node.</summary>
    public ValueList<LabelSelector> NodeSelectors { get; init; } = [];

    /// <summary>BGPPeer names to announce to; empty means every peer.</summary>
    public ValueList<string> Peers { get; init; } = [];

    /// <summary>Services it applies to, by their labels (any selector matching); empty means every Service.</summary>
    public ValueList<LabelSelector> ServiceSelectors { get; init; } = [];
}
