namespace IronLb.Core.Events;

/// <summary>The data of each event type (camelCase in JSON); docs/events/schemas holds one JSON Schema per type.</summary>
public static class EventData
{
    /// <summary>addresses.assigned / changed / released: a Service's addresses now and before.</summary>
    /// <param name="Namespace">The Service's namespace.</param>
    /// <param name="Name">The Service's name.</param>
    /// <param name="Pool">The IPAddressPool the addresses come from (the previous pool on release).</param>
    /// <param name="Addresses">Its addresses now, primary family first; empty on release.</param>
    /// <param name="Families">"IPv4" and/or "IPv6", one per address family in <paramref name="Addresses"/>.</param>
    /// <param name="PreviousAddresses">What it held before this change; empty on assignment.</param>
    public sealed record ServiceAddresses(string Namespace, string Name, string Pool, IReadOnlyList<string> Addresses, IReadOnlyList<string> Families, IReadOnlyList<string> PreviousAddresses);

    /// <summary>allocation.failed: the Service gets no address, and why; any it held are released by this event.</summary>
    public sealed record AllocationFailed(string Namespace, string Name, string Reason, IReadOnlyList<string> PreviousAddresses);

    /// <summary>layer2.owner.changed: the node answering ARP/NDP for an address (null once the address is no longer announced).</summary>
    /// <param name="Address">The address.</param>
    /// <param name="Node">The owner node now, or null when released.</param>
    /// <param name="PreviousNode">The owner before, or null when new.</param>
    /// <param name="Epoch">The ownership epoch (grows with every owner change; the fence layer2 agents obey).</param>
    /// <param name="Reason">"elected" (new address), "moved" (another node), "confirmed" (same node, new epoch: a LAN takeover confirmed), "released".</param>
    /// <param name="Services">The Services ("namespace/name") the address serves.</param>
    public sealed record Layer2Owner(string Address, string? Node, string? PreviousNode, long Epoch, string Reason, IReadOnlyList<string> Services);

    /// <summary>bgp.announcement.started / stopped: a node began or ceased announcing a prefix to a peer (the UPDATE went out).</summary>
    public sealed record BgpAnnouncement(string Node, string Peer, string PeerAddress, string Prefix);

    /// <summary>bgp.session.up / down and bfd.session.up / down.</summary>
    /// <param name="Node">The node.</param>
    /// <param name="Peer">The BGPPeer's name.</param>
    /// <param name="PeerAddress">The peer's address.</param>
    /// <param name="Reason">Why it went down (a NOTIFICATION, hold timer, connection loss, BFD diagnostic), or "established" / "up".</param>
    public sealed record Session(string Node, string Peer, string PeerAddress, string Reason);

    /// <summary>config.accepted: a valid configuration was stored as version <see cref="IntegrationEvent.Version"/>.</summary>
    public sealed record ConfigAccepted(string Source, string Digest);

    /// <summary>config.rejected: an invalid set was refused; the last valid configuration stays.</summary>
    public sealed record ConfigRejected(string Source, IReadOnlyList<string> Errors);
}
