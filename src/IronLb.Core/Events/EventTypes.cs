namespace IronLb.Core.Events;

/// <summary>The CloudEvent types of IronLB's public event stream: reverse-DNS, versioned, one JSON Schema each (docs/events/schemas).</summary>
/// <remarks>A type's meaning and data never change within its version; an incompatible change is a new type (…v2) beside the old.</remarks>
public static class EventTypes
{
    public const string AddressesAssigned = "io.ironlb.service.addresses.assigned.v1";
    public const string AddressesChanged = "io.ironlb.service.addresses.changed.v1";
    public const string AddressesReleased = "io.ironlb.service.addresses.released.v1";
    public const string AllocationFailed = "io.ironlb.service.allocation.failed.v1";
    public const string Layer2OwnerChanged = "io.ironlb.layer2.owner.changed.v1";
    public const string BgpAnnouncementStarted = "io.ironlb.bgp.announcement.started.v1";
    public const string BgpAnnouncementStopped = "io.ironlb.bgp.announcement.stopped.v1";
    public const string BgpSessionUp = "io.ironlb.bgp.session.up.v1";
    public const string BgpSessionDown = "io.ironlb.bgp.session.down.v1";
    public const string BfdSessionUp = "io.ironlb.bfd.session.up.v1";
    public const string BfdSessionDown = "io.ironlb.bfd.session.down.v1";
    public const string ConfigAccepted = "io.ironlb.config.accepted.v1";
    public const string ConfigRejected = "io.ironlb.config.rejected.v1";

    /// <summary>Every type, in the order docs/events.md lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        AddressesAssigned, AddressesChanged, AddressesReleased, AllocationFailed, Layer2OwnerChanged,
        BgpAnnouncementStarted, BgpAnnouncementStopped, BgpSessionUp, BgpSessionDown, BfdSessionUp, BfdSessionDown,
        ConfigAccepted, ConfigRejected,
    ];

    /// <summary>The schema file of <paramref name="type"/> under docs/events/schemas: the type without "io.ironlb." and with ".json".</summary>
    public static string SchemaFile(string type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        return type["io.ironlb.".Length..] + ".json";
    }
}

/// <summary>The subjects events name, one per object whose changes form one ordered sequence.</summary>
public static class EventSubjects
{
    /// <summary>A Service: "services/NAMESPACE/NAME".</summary>
    public static string Service(string ns, string name) => $"services/{ns}/{name}";

    /// <summary>A Layer 2 address: "addresses/ADDRESS".</summary>
    public static string Address(string address) => "addresses/" + address;

    /// <summary>One prefix announced by one node to one BGP peer: "nodes/NODE/peers/PEER/prefixes/PREFIX".</summary>
    public static string Announcement(string node, string peer, string prefix) => $"nodes/{node}/peers/{peer}/prefixes/{prefix}";

    /// <summary>One node's BGP session with one peer: "nodes/NODE/peers/PEER".</summary>
    public static string BgpSession(string node, string peer) => $"nodes/{node}/peers/{peer}";

    /// <summary>One node's BFD session with one peer: "nodes/NODE/peers/PEER/bfd".</summary>
    public static string BfdSession(string node, string peer) => $"nodes/{node}/peers/{peer}/bfd";

    /// <summary>The cluster's configuration.</summary>
    public const string Configuration = "configuration";
}
