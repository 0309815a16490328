namespace IronLb.Ipam.Kubernetes;

/// <summary>One kind of object ipam lists and watches: where it lives in the API and the kind it is read as.</summary>
/// <param name="Group">The API group; "" for core.</param>
/// <param name="Version">The API version within the group.</param>
/// <param name="Plural">The resource name in URLs.</param>
/// <param name="Kind">The kind its objects are read as.</param>
/// <param name="InMetalLbNamespace">True when only the MetalLB namespace is watched; otherwise every namespace (or the cluster, for cluster-scoped kinds).</param>
internal sealed record WatchedResource(string Group, string Version, string Plural, string Kind, bool InMetalLbNamespace)
{
    public static readonly WatchedResource Services = new("", "v1", "services", "Service", false);
    public static readonly WatchedResource EndpointSlices = new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", false);
    public static readonly WatchedResource Nodes = new("", "v1", "nodes", "Node", false);
    public static readonly WatchedResource Namespaces = new("", "v1", "namespaces", "Namespace", false);
    public static readonly WatchedResource Secrets = new("", "v1", "secrets", "Secret", true);

    /// <summary>Only metallb-excludel2 is kept from them: the interfaces Layer 2 never answers on, as MetalLB's speaker reads it.</summary>
    public static readonly WatchedResource ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true);
    public static readonly WatchedResource IpAddressPools = new("metallb.io", "v1beta1", "ipaddresspools", "IPAddressPool", true);
    public static readonly WatchedResource L2Advertisements = new("metallb.io", "v1beta1", "l2advertisements", "L2Advertisement", true);
    public static readonly WatchedResource BgpAdvertisements = new("metallb.io", "v1beta1", "bgpadvertisements", "BGPAdvertisement", true);
    public static readonly WatchedResource BfdProfiles = new("metallb.io", "v1beta1", "bfdprofiles", "BFDProfile", true);
    public static readonly WatchedResource Communities = new("metallb.io", "v1beta1", "communities", "Community", true);

    // v1beta2 is BGPPeer's storage version; the API server converts v1beta1 objects to it.
    public static readonly WatchedResource BgpPeers = new("metallb.io", "v1beta2", "bgppeers", "BGPPeer", true);

    /// <summary>Everything ipam reads, in the order the configuration lists it.</summary>
    public static IReadOnlyList<WatchedResource> All { get; } =
        [IpAddressPools, L2Advertisements, BgpAdvertisements, BgpPeers, BfdProfiles, Communities, Services, Nodes, EndpointSlices, Secrets, Namespaces, ConfigMaps];

    /// <summary>The apiVersion its objects carry, e.g. "discovery.k8s.io/v1" or "v1".</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public override string ToString() => Group.Length == 0 ? Plural : Plural + "." + Group;
}
