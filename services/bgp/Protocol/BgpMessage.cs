using System.Net;

namespace IronLb.Bgp.Protocol;

/// <summary>A decoded BGP message.</summary>
internal abstract record BgpMessage(BgpMessageType Type);

/// <summary>KEEPALIVE: a header and nothing else (RFC 4271 §4.4).</summary>
internal sealed record KeepaliveMessage() : BgpMessage(BgpMessageType.Keepalive)
{
    public static KeepaliveMessage Instance { get; } = new();
}

/// <summary>NOTIFICATION (RFC 4271 §4.5): the error that closes the session.</summary>
internal sealed record NotificationMessage(BgpErrorCode Code, byte Subcode, ReadOnlyMemory<byte> Data) : BgpMessage(BgpMessageType.Notification)
{
    public NotificationMessage(BgpErrorCode code, byte subcode)
        : this(code, subcode, ReadOnlyMemory<byte>.Empty)
    {
    }

    public override string ToString() => $"NOTIFICATION {Code}/{Subcode} ({Data.Length} data bytes)";
}

/// <summary>ROUTE-REFRESH (RFC 2918 §3): asks the peer to resend its Adj-RIB-Out for one family.</summary>
internal sealed record RouteRefreshMessage(BgpFamily Family) : BgpMessage(BgpMessageType.RouteRefresh);

/// <summary>OPEN (RFC 4271 §4.2) with its capabilities already pulled out of the optional parameters.</summary>
internal sealed record OpenMessage(byte Version, ushort MyAutonomousSystem, ushort HoldTime, uint BgpIdentifier, IReadOnlyList<Capability> Capabilities)
    : BgpMessage(BgpMessageType.Open)
{
    /// <summary>The sender's real AS: the 4-octet capability's value when present (RFC 6793 §3).</summary>
    public uint AutonomousSystem => Capabilities.OfType<FourOctetAsCapability>().FirstOrDefault()?.Asn ?? MyAutonomousSystem;

    public T? Find<T>() where T : Capability => Capabilities.OfType<T>().FirstOrDefault();

    public bool Supports(BgpFamily family) => Capabilities.OfType<MultiprotocolCapability>().Any(c => c.Family == family);

    public static IPAddress IdentifierToAddress(uint id) => new([(byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id]);
}

/// <summary>UPDATE (RFC 4271 §4.3): IPv4 withdrawals and NLRI in the body, other families in MP_(UN)REACH_NLRI.</summary>
internal sealed record UpdateMessage(IReadOnlyList<IPNetwork> Withdrawn, PathAttributes? Attributes, IReadOnlyList<IPNetwork> Nlri)
    : BgpMessage(BgpMessageType.Update)
{
    /// <summary>An UPDATE with nothing in it is the IPv4 unicast End-of-RIB marker; MP_UNREACH with no NLRI marks others (RFC 4724 §2).</summary>
    public BgpFamily? EndOfRibFamily =>
        Withdrawn.Count == 0 && Nlri.Count == 0 && (Attributes is null || Attributes.IsEmpty) ? BgpFamily.Ipv4Unicast
        : Withdrawn.Count == 0 && Nlri.Count == 0 && Attributes is { MpReach: null, MpUnreach: { Prefixes.Count: 0 } u } && Attributes.WithoutMp().IsEmpty ? u.Family
        : null;
}
