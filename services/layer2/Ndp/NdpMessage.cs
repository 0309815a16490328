using System.Buffers.Binary;
using System.Net;
using IronLb.Layer2.Capture;

namespace IronLb.Layer2.Ndp;

/// <summary>Why a frame was not accepted as a neighbour solicitation or advertisement.</summary>
internal enum NdpParseError
{
    None,
    Truncated,
    NotIPv6,
    BadIPVersion,
    NotIcmpv6,
    NotNeighborDiscovery,
    HopLimitNot255,
    BadCode,
    BadChecksum,
    MulticastTarget,
    BadOption,
    UnspecifiedSourceNotToSolicitedNode,
    UnspecifiedSourceWithLinkLayerOption,
    SolicitedFlagOnMulticast,
}

/// <summary>The ICMPv6 type of a neighbour discovery message (RFC 4861 §4.3, §4.4).</summary>
internal enum NdpMessageType : byte
{
    NeighborSolicitation = 135,
    NeighborAdvertisement = 136,
}

/// <summary>Neighbour advertisement flags (RFC 4861 §4.4), in the top bits of the first reserved byte.</summary>
[Flags]
internal enum NeighborAdvertisementFlags : byte
{
    None = 0,
    Override = 0x20,
    Solicited = 0x40,
    Router = 0x80,
}

/// <summary>A neighbour solicitation or advertisement (RFC 4861) parsed from a whole Ethernet/IPv6 frame.</summary>
/// <param name="Type">Solicitation or advertisement.</param>
/// <param name="Source">The IPv6 source; unspecified (::) for a duplicate address detection probe.</param>
/// <param name="Destination">The IPv6 destination.</param>
/// <param name="Target">The address being resolved or advertised.</param>
/// <param name="Flags">R, S and O of an advertisement; none for a solicitation.</param>
/// <param name="LinkLayerAddress">The source link-layer option of a solicitation or the target link-layer option
/// of an advertisement; null when absent.</param>
internal sealed record NdpMessage(
    NdpMessageType Type,
    IPAddress Source,
    IPAddress Destination,
    IPAddress Target,
    NeighborAdvertisementFlags Flags,
    MacAddress? LinkLayerAddress)
{
    public const int IPv6HeaderLength = 40;
    public const int MessageLength = 24;
    private const byte NextHeaderIcmpv6 = 58;
    private const byte OptionSourceLinkLayer = 1;
    private const byte OptionTargetLinkLayer = 2;

    public static bool TryParse(ReadOnlySpan<byte> frame, out EthernetHeader ethernet, out NdpMessage? message, out NdpParseError error)
    {
        message = null;
        error = Parse(frame, out ethernet, ref message);
        return error == NdpParseError.None;
    }

    private static NdpParseError Parse(ReadOnlySpan<byte> frame, out EthernetHeader ethernet, ref NdpMessage? message)
    {
        if (!EthernetHeader.TryRead(frame, out ethernet))
        {
            return NdpParseError.Truncated;
        }

        if (ethernet.EtherType != EthernetHeader.EtherTypeIPv6)
        {
            return NdpParseError.NotIPv6;
        }

        var ip = frame[EthernetHeader.Length..];
        if (ip.Length < IPv6HeaderLength)
        {
            return NdpParseError.Truncated;
        }

        if (ip[0] >> 4 != 6)
        {
            return NdpParseError.BadIPVersion;
        }

        // Extension headers before ICMPv6 are legal but never used by neighbour discovery in practice; the kernel
        // filter only passes next-header 58 at offset 40, so anything else here is dropped rather than walked.
        if (ip[6] != NextHeaderIcmpv6)
        {
            return NdpParseError.NotIcmpv6;
        }

        // The payload length, not the frame length, bounds the message: Ethernet pads short frames.
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        if (ip.Length - IPv6HeaderLength < payloadLength || payloadLength < 4)
        {
            return NdpParseError.Truncated;
        }

        var source = ip.Slice(8, 16);
        var destination = ip.Slice(24, 16);
        var icmp = ip.Slice(IPv6HeaderLength, payloadLength);
        var type = (NdpMessageType)icmp[0];
        if (type is not (NdpMessageType.NeighborSolicitation or NdpMessageType.NeighborAdvertisement))
        {
            return NdpParseError.NotNeighborDiscovery;
        }

        // RFC 4861 §7.1.1 / §7.1.2: a hop limit of 255 proves the sender is on-link (no router decremented it).
        if (ip[7] != 255)
        {
            return NdpParseError.HopLimitNot255;
        }

        if (icmp[1] != 0)
        {
            return NdpParseError.BadCode;
        }

        if (icmp.Length < MessageLength)
        {
            return NdpParseError.Truncated;
        }

        if (!Icmpv6Checksum.IsValid(source, destination, icmp))
        {
            return NdpParseError.BadChecksum;
        }

        var target = icmp.Slice(8, 16);
        if (target[0] == 0xFF)
        {
            return NdpParseError.MulticastTarget;
        }

        var wantedOption = type == NdpMessageType.NeighborSolicitation ? OptionSourceLinkLayer : OptionTargetLinkLayer;
        var optionError = ReadLinkLayerOption(icmp[MessageLength..], wantedOption, out var linkLayer);
        if (optionError != NdpParseError.None)
        {
            return optionError;
        }

        var flags = type == NdpMessageType.NeighborAdvertisement ? (NeighborAdvertisementFlags)(icmp[4] & 0xE0) : NeighborAdvertisementFlags.None;
        var sourceAddress = new IPAddress(source);
        var destinationAddress = new IPAddress(destination);
        var targetAddress = new IPAddress(target);
        if (type == NdpMessageType.NeighborSolicitation && sourceAddress.Equals(IPAddress.IPv6None))
        {
            // §7.1.1: a DAD probe (unspecified source) goes to the solicited-node group and carries no SLLAO.
            if (!SolicitedNodeAddress.IsGroupOf(destinationAddress, targetAddress))
            {
                return NdpParseError.UnspecifiedSourceNotToSolicitedNode;
            }

            if (linkLayer is not null)
            {
                return NdpParseError.UnspecifiedSourceWithLinkLayerOption;
            }
        }

        if (type == NdpMessageType.NeighborAdvertisement && destination[0] == 0xFF && flags.HasFlag(NeighborAdvertisementFlags.Solicited))
        {
            return NdpParseError.SolicitedFlagOnMulticast;
        }

        message = new NdpMessage(type, sourceAddress, destinationAddress, targetAddress, flags, linkLayer);
        return NdpParseError.None;
    }

    /// <summary>Walks the TLV options (RFC 4861 §4.6): the length is in units of 8 octets and zero is invalid.</summary>
    private static NdpParseError ReadLinkLayerOption(ReadOnlySpan<byte> options, byte wanted, out MacAddress? linkLayer)
    {
        linkLayer = null;
        while (options.Length > 0)
        {
            if (options.Length < 2)
            {
                return NdpParseError.BadOption;
            }

            var length = options[1] * 8;
            if (length == 0 || length > options.Length)
            {
                return NdpParseError.BadOption;
            }

            if (options[0] == wanted && length >= 2 + MacAddress.Length)
            {
                linkLayer = MacAddress.Read(options[2..]);
            }

            options = options[length..];
        }

        return NdpParseError.None;
    }

    /// <summary>Writes a whole frame: Ethernet, IPv6 (hop limit 255) and the message with one 8-octet link-layer option.</summary>
    public int WriteFrame(MacAddress ethernetDestination, MacAddress ethernetSource, Span<byte> destination)
    {
        var optionLength = LinkLayerAddress is null ? 0 : 8;
        var icmpLength = MessageLength + optionLength;
        var total = EthernetHeader.Length + IPv6HeaderLength + icmpLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, total);
        var frame = destination[..total];
        frame.Clear();
        new EthernetHeader(ethernetDestination, ethernetSource, EthernetHeader.EtherTypeIPv6).Write(frame);
        var ip = frame[EthernetHeader.Length..];
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)icmpLength);
        ip[6] = NextHeaderIcmpv6;
        ip[7] = 255;
        Source.TryWriteBytes(ip.Slice(8, 16), out _);
        Destination.TryWriteBytes(ip.Slice(24, 16), out _);
        var icmp = ip[IPv6HeaderLength..];
        icmp[0] = (byte)Type;
        icmp[4] = Type == NdpMessageType.NeighborAdvertisement ? (byte)Flags : (byte)0;
        Target.TryWriteBytes(icmp.Slice(8, 16), out _);
        if (LinkLayerAddress is { } mac)
        {
            icmp[MessageLength] = Type == NdpMessageType.NeighborSolicitation ? OptionSourceLinkLayer : OptionTargetLinkLayer;
            icmp[MessageLength + 1] = 1;
            mac.Write(icmp[(MessageLength + 2)..]);
        }

        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Icmpv6Checksum.Compute(ip.Slice(8, 16), ip.Slice(24, 16), icmp));
        return total;
    }

    public const int MaxFrameLength = EthernetHeader.Length + IPv6HeaderLength + MessageLength + 8;

    /// <summary>The solicited advertisement answering <paramref name="solicitation"/> (RFC 4861 §7.2.4): to the solicitor's
    /// address with S and O set, or to all-nodes without S when the solicitor was doing DAD (unspecified source).</summary>
    public static NdpMessage AdvertisementFor(NdpMessage solicitation, MacAddress ourMac)
    {
        ArgumentNullException.ThrowIfNull(solicitation);
        var dad = solicitation.Source.Equals(IPAddress.IPv6None);
        return new NdpMessage(
            NdpMessageType.NeighborAdvertisement,
            solicitation.Target,
            dad ? SolicitedNodeAddress.AllNodes : solicitation.Source,
            solicitation.Target,
            dad ? NeighborAdvertisementFlags.Override : NeighborAdvertisementFlags.Solicited | NeighborAdvertisementFlags.Override,
            ourMac);
    }

    /// <summary>An unsolicited advertisement to all-nodes with the override flag (RFC 4861 §7.2.6), so neighbours
    /// replace a cached link-layer address at once when ownership moves.</summary>
    public static NdpMessage UnsolicitedAdvertisement(IPAddress address, MacAddress ourMac) => new(
        NdpMessageType.NeighborAdvertisement,
        address,
        SolicitedNodeAddress.AllNodes,
        address,
        NeighborAdvertisementFlags.Override,
        ourMac);

    /// <summary>A multicast solicitation for <paramref name="target"/>, as a host resolving it would send.</summary>
    public static NdpMessage Solicitation(IPAddress source, IPAddress target, MacAddress sourceMac) => new(
        NdpMessageType.NeighborSolicitation,
        source,
        SolicitedNodeAddress.For(target),
        target,
        NeighborAdvertisementFlags.None,
        source.Equals(IPAddress.IPv6None) ? null : sourceMac);
}
