using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using IronLb.Layer2.Capture;

namespace IronLb.Layer2.Arp;

/// <summary>Why a frame was not accepted as an Ethernet/IPv4 ARP packet.</summary>
internal enum ArpParseError
{
    None,
    Truncated,
    NotArp,
    UnsupportedHardwareType,
    UnsupportedProtocolType,
    BadAddressLength,
    UnknownOperation,
}

/// <summary>An ARP packet for IPv4 over Ethernet (RFC 826), parsed from or written to a whole Ethernet frame.</summary>
internal readonly record struct ArpPacket(
    ArpOperation Operation,
    MacAddress SenderHardwareAddress,
    IPAddress SenderProtocolAddress,
    MacAddress TargetHardwareAddress,
    IPAddress TargetProtocolAddress)
{
    /// <summary>Bytes after the Ethernet header; anything beyond is link padding up to the 60-byte minimum.</summary>
    public const int Length = 28;
    public const int FrameLength = EthernetHeader.Length + Length;
    private const ushort HardwareTypeEthernet = 1;

    /// <summary>A gratuitous ARP announces a binding: sender and target protocol address are the same (RFC 5227 §3).</summary>
    public bool IsGratuitous => SenderProtocolAddress.Equals(TargetProtocolAddress);

    /// <summary>An ARP probe (RFC 5227 §2.1.1) asks with an all-zero sender address.</summary>
    public bool IsProbe => SenderProtocolAddress.Equals(IPAddress.Any);

    public static bool TryParse(ReadOnlySpan<byte> frame, out EthernetHeader ethernet, out ArpPacket packet, out ArpParseError error)
    {
        packet = default;
        if (!EthernetHeader.TryRead(frame, out ethernet))
        {
            error = ArpParseError.Truncated;
            return false;
        }

        if (ethernet.EtherType != EthernetHeader.EtherTypeArp)
        {
            error = ArpParseError.NotArp;
            return false;
        }

        var arp = frame[EthernetHeader.Length..];
        if (arp.Length < Length)
        {
            error = ArpParseError.Truncated;
            return false;
        }

        // RFC 826 "Packet Reception": check hardware type, protocol type and the address lengths before
        // trusting any offset; other lengths would move every field after them.
        if (BinaryPrimitives.ReadUInt16BigEndian(arp) != HardwareTypeEthernet)
        {
            error = ArpParseError.UnsupportedHardwareType;
            return false;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(arp[2..]) != EthernetHeader.EtherTypeIPv4)
        {
            error = ArpParseError.UnsupportedProtocolType;
            return false;
        }

        if (arp[4] != MacAddress.Length || arp[5] != 4)
        {
            error = ArpParseError.BadAddressLength;
            return false;
        }

        var operation = (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(arp[6..]);
        if (operation is not (ArpOperation.Request or ArpOperation.Reply))
        {
            error = ArpParseError.UnknownOperation;
            return false;
        }

        packet = new ArpPacket(
            operation,
            MacAddress.Read(arp[8..]),
            new IPAddress(arp.Slice(14, 4)),
            MacAddress.Read(arp[18..]),
            new IPAddress(arp.Slice(24, 4)));
        error = ArpParseError.None;
        return true;
    }

    /// <summary>Writes the Ethernet header and this packet; returns the frame length (42 bytes, the NIC pads).</summary>
    public int WriteFrame(MacAddress ethernetDestination, MacAddress ethernetSource, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, FrameLength);
        RequireIPv4(SenderProtocolAddress);
        RequireIPv4(TargetProtocolAddress);
        new EthernetHeader(ethernetDestination, ethernetSource, EthernetHeader.EtherTypeArp).Write(destination);
        var arp = destination[EthernetHeader.Length..];
        BinaryPrimitives.WriteUInt16BigEndian(arp, HardwareTypeEthernet);
        BinaryPrimitives.WriteUInt16BigEndian(arp[2..], EthernetHeader.EtherTypeIPv4);
        arp[4] = MacAddress.Length;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], (ushort)Operation);
        SenderHardwareAddress.Write(arp[8..]);
        SenderProtocolAddress.TryWriteBytes(arp.Slice(14, 4), out _);
        TargetHardwareAddress.Write(arp[18..]);
        TargetProtocolAddress.TryWriteBytes(arp.Slice(24, 4), out _);
        return FrameLength;
    }

    /// <summary>The reply to <paramref name="request"/> saying <paramref name="ourMac"/> holds its target address.
    /// As RFC 826 prescribes, the requester's addresses become the target fields.</summary>
    public static ArpPacket ReplyTo(ArpPacket request, MacAddress ourMac) => new(
        ArpOperation.Reply,
        ourMac,
        request.TargetProtocolAddress,
        request.SenderHardwareAddress,
        request.SenderProtocolAddress);

    /// <summary>A gratuitous ARP in the request form (RFC 5227 §3: SPA = TPA, THA zero); Linux lets this override
    /// an existing neighbour entry at once, where a broadcast reply may be ignored within locktime.</summary>
    public static ArpPacket Gratuitous(IPAddress address, MacAddress ourMac) =>
        new(ArpOperation.Request, ourMac, address, MacAddress.Zero, address);

    private static void RequireIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"ARP carries IPv4 addresses only, not {address}", nameof(address));
        }
    }
}

/// <summary>The ARP opcode (RFC 826 ar$op).</summary>
internal enum ArpOperation : ushort
{
    Request = 1,
    Reply = 2,
}
