using System.Buffers.Binary;
using System.Net;

namespace IronLb.Bgp.Bfd;

/// <summary>
/// Our BFD Echo packets (RFC 5881 §4): IPv4/UDP datagrams from and to our own address on port 3785 with TTL 255,
/// sent to the peer's MAC so that its forwarding returns them with TTL 254. The payload is the sender's own business
/// (RFC 5880 §6.4); ours carries a version, our discriminator and a sequence number.
/// </summary>
internal static class BfdEchoPacket
{
    public const int Port = 3785;
    public const int Length = IpHeaderLength + UdpHeaderLength + PayloadLength;
    private const int IpHeaderLength = 20;
    private const int UdpHeaderLength = 8;
    private const int PayloadLength = 16;
    private const byte Version = 1;
    private const byte ReturnedTtl = 254;

    /// <summary>
    /// What the receiving AF_PACKET socket lets through (classic BPF over the IPv4 header): unfragmented UDP with TTL 254
    /// to port 3785. Everything else the node receives stays in the kernel.
    /// </summary>
    public static readonly ulong[] ReturnedFilter =
    [
        Transport.LinkLayer.Bpf(0x30, 0, 0, 9),          // ldb [9]: protocol
        Transport.LinkLayer.Bpf(0x15, 0, 8, 17),         // UDP, else drop
        Transport.LinkLayer.Bpf(0x30, 0, 0, 8),          // ldb [8]: TTL
        Transport.LinkLayer.Bpf(0x15, 0, 6, ReturnedTtl), // returned by one hop, else drop
        Transport.LinkLayer.Bpf(0x28, 0, 0, 6),          // ldh [6]: flags and fragment offset
        Transport.LinkLayer.Bpf(0x45, 4, 0, 0x1fff),     // a fragment: drop
        Transport.LinkLayer.Bpf(0xb1, 0, 0, 0),          // ldxb 4*([0]&0xf): header length
        Transport.LinkLayer.Bpf(0x48, 0, 0, 2),          // ldh [x+2]: UDP destination port
        Transport.LinkLayer.Bpf(0x15, 0, 1, Port),
        Transport.LinkLayer.Bpf(0x06, 0, 0, 0xffff),     // accept
        Transport.LinkLayer.Bpf(0x06, 0, 0, 0),          // drop
    ];

    /// <summary>Writes one echo packet, IPv4 header first, from and to <paramref name="local"/>.</summary>
    public static void Write(Span<byte> destination, IPAddress local, uint discriminator, ulong sequence)
    {
        var ip = destination[..IpHeaderLength];
        ip.Clear();
        ip[0] = 0x45;
        ip[1] = 0xC0; // CS6, as for control packets
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], Length);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)sequence);
        ip[8] = 255;
        ip[9] = 17;
        local.TryWriteBytes(ip[12..], out _);
        local.TryWriteBytes(ip[16..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip));

        var udp = destination.Slice(IpHeaderLength, UdpHeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp, Port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], Port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], UdpHeaderLength + PayloadLength);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0); // no checksum (RFC 768 allows it over IPv4)

        var payload = destination.Slice(IpHeaderLength + UdpHeaderLength, PayloadLength);
        payload[0] = Version;
        payload[1] = PayloadLength;
        payload[2] = 0;
        payload[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(payload[4..], discriminator);
        BinaryPrimitives.WriteUInt64BigEndian(payload[8..], sequence);
    }

    /// <summary>The discriminator of one of our echo packets to <paramref name="local"/> that came back through one hop, or null.</summary>
    public static uint? TryReadReturned(ReadOnlySpan<byte> packet, IPAddress local)
    {
        if (packet.Length < IpHeaderLength || packet[0] >> 4 != 4)
        {
            return null;
        }

        var headerLength = (packet[0] & 0x0F) * 4;
        if (headerLength < IpHeaderLength || packet.Length < headerLength + UdpHeaderLength + PayloadLength || packet[8] != ReturnedTtl || packet[9] != 17)
        {
            return null;
        }

        var address = local.GetAddressBytes();
        var udp = packet[headerLength..];
        var payload = udp[UdpHeaderLength..];
        var ours = packet.Slice(12, 4).SequenceEqual(address) && packet.Slice(16, 4).SequenceEqual(address)
            && BinaryPrimitives.ReadUInt16BigEndian(udp[2..]) == Port && payload[0] == Version && payload[1] == PayloadLength;
        return ours ? BinaryPrimitives.ReadUInt32BigEndian(payload[4..]) : null;
    }

    /// <summary>The IPv4 header checksum (RFC 791): the ones' complement of the ones' complement sum of its 16-bit words.</summary>
    internal static ushort Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
