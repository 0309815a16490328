namespace IronLb.Core.Contracts;

/// <summary>What an event on any topic carries: the version of the state document it announces, and which shards of it changed.</summary>
/// <param name="Version">The document's version; a consumer that already applied it or a newer one does nothing. For
/// "intents changed": the allocation version the written shards were derived from.</param>
/// <param name="Shards">The shards written (<see cref="IntentShards"/>), so a consumer re-reads only those; null when the
/// event does not say, and then the consumer re-reads every shard (the meaning events had before shards existed).</param>
public sealed record StateChanged(long Version, IReadOnlyList<int>? Shards = null);

/// <summary>The announcement intents of the Services in one shard (<see cref="IntentShards"/>), as ipam last wrote them.</summary>
/// <param name="Version">Grows by one with every write of this shard.</param>
/// <param name="Intents">One per Service of this shard that has addresses, sorted by namespace then name.</param>
/// <param name="AllocationVersion">The version of ipam's allocation document these intents were derived from (0 = unknown):
/// ipam writes intents after the allocations, and never replaces intents derived from a newer allocation version.</param>
public sealed record IntentSet(long Version, IReadOnlyList<AnnouncementIntent> Intents, long AllocationVersion = 0)
{
    public static IntentSet Empty { get; } = new(0, []);
}

/// <summary>How one Service's addresses should be announced: the resolved result of ipam's work.</summary>
/// <param name="Namespace">The Service's namespace.</param>
/// <param name="Name">The Service's name.</param>
/// <param name="Addresses">Its load-balancer addresses, in text form.</param>
/// <param name="Pool">The IPAddressPool they came from.</param>
/// <param name="Layer2">The L2Advertisements that apply, resolved.</param>
/// <param name="Bgp">The BGPAdvertisements that apply, resolved.</param>
/// <param name="ExternalTrafficPolicy">"Cluster" or "Local".</param>
/// <param name="NodesWithReadyEndpoints">Nodes with at least one endpoint of the Service that can serve (ready, or serving while terminating), sorted.</param>
/// <param name="HasServingEndpoints">
/// Whether any endpoint of the Service can serve, on a node or on none (a Service without a selector, a hand-written
/// EndpointSlice): what the Cluster traffic policy needs. False in documents written before it existed.
/// </param>
public sealed record AnnouncementIntent(
    string Namespace,
    string Name,
    IReadOnlyList<string> Addresses,
    string Pool,
    IReadOnlyList<Layer2Announcement> Layer2,
    IReadOnlyList<BgpAnnouncement> Bgp,
    string ExternalTrafficPolicy,
    IReadOnlyList<string> NodesWithReadyEndpoints,
    bool HasServingEndpoints = false)
{
    /// <summary>Whether any endpoint can serve; older documents without <see cref="HasServingEndpoints"/> fall back to the node list.</summary>
    public bool AnyServingEndpoint => HasServingEndpoints || NodesWithReadyEndpoints.Count > 0;
}

/// <summary>One L2Advertisement applied to one Service.</summary>
/// <param name="Advertisement">The L2Advertisement's name.</param>
/// <param name="Nodes">The nodes its nodeSelectors allow (before traffic policy), sorted.</param>
/// <param name="Interfaces">The interfaces it names; empty means any suitable interface.</param>
public sealed record Layer2Announcement(string Advertisement, IReadOnlyList<string> Nodes, IReadOnlyList<string> Interfaces);

/// <summary>One BGPAdvertisement applied to one Service.</summary>
/// <param name="Advertisement">The BGPAdvertisement's name.</param>
/// <param name="Nodes">The nodes its nodeSelectors allow (before traffic policy), sorted.</param>
/// <param name="AggregationLength">IPv4 prefix length to announce.</param>
/// <param name="AggregationLengthV6">IPv6 prefix length to announce.</param>
/// <param name="LocalPref">LOCAL_PREF for iBGP peers, or null.</param>
/// <param name="Communities">RFC 1997 communities as "ASN:VALUE", aliases resolved.</param>
/// <param name="LargeCommunities">RFC 8092 large communities as "A:B:C".</param>
/// <param name="Peers">BGPPeer names to announce to; empty means every peer.</param>
public sealed record BgpAnnouncement(
    string Advertisement,
    IReadOnlyList<string> Nodes,
    int AggregationLength,
    int AggregationLengthV6,
    uint? LocalPref,
    IReadOnlyList<string> Communities,
    IReadOnlyList<string> LargeCommunities,
    IReadOnlyList<string> Peers);

/// <summary>The owner node of every Layer 2 address, as election last wrote it.</summary>
/// <param name="Version">Grows by one with every change.</param>
/// <param name="Owners">One per announced address, sorted by address.</param>
public sealed record OwnerSet(long Version, IReadOnlyList<AddressOwner> Owners)
{
    public static OwnerSet Empty { get; } = new(0, []);
}

/// <summary>Which node answers ARP/NDP for one address, and since which epoch.</summary>
/// <param name="Address">The address, in text form.</param>
/// <param name="Node">The owner node.</param>
/// <param name="Epoch">Grows every time the owner changes; a layer2 agent ignores an older one than it applied.</param>
/// <param name="Interfaces">The interfaces the owner may answer on; empty means any suitable.</param>
/// <param name="Services">The Services ("namespace/name") the address serves.</param>
/// <param name="Successor">The node that takes the address over on the LAN, without waiting for election, when the owner
/// falls silent there; it holds it at <paramref name="Epoch"/> + 1 until election confirms it. Election's own epochs are even.</param>
public sealed record AddressOwner(string Address, string Node, long Epoch, IReadOnlyList<string> Interfaces, IReadOnlyList<string> Services, string? Successor = null);

/// <summary>A node agent's liveness record. Election never compares <paramref name="At"/> with its own clock: a node is
/// alive while the record keeps changing, judged on election's clock from when it saw each change.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="Agent">"layer2".</param>
/// <param name="Sequence">Grows with every write of one agent process.</param>
/// <param name="Leaving">True when the agent stopped cleanly: its addresses may move at once.</param>
/// <param name="At">When it was written, on the node's clock; for people reading the store.</param>
/// <param name="TakenOver">Addresses the node answers for because it took them over on the LAN as successor, which
/// election has not confirmed yet.</param>
public sealed record NodeHeartbeat(string Node, string Agent, long Sequence, bool Leaving, DateTimeOffset At, IReadOnlyList<string>? TakenOver = null)
{
    public bool Equals(NodeHeartbeat? other) =>
        other is not null && Node == other.Node && Agent == other.Agent && Sequence == other.Sequence && Leaving == other.Leaving && At == other.At
        && (TakenOver ?? []).SequenceEqual(other.TakenOver ?? [], StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Node, Sequence, Leaving, At);
}

/// <summary>A lease held by one replica of a service, renewed with ETag compare-and-swap. Other replicas judge it on
/// their own clocks, from when they last saw <paramref name="Renewal"/> change.</summary>
/// <param name="Holder">The replica holding it.</param>
/// <param name="Renewal">Grows with every renewal.</param>
/// <param name="RenewedAt">When it was last renewed, on the holder's clock; for people reading the store.</param>
public sealed record LeaseRecord(string Holder, long Renewal, DateTimeOffset RenewedAt);
