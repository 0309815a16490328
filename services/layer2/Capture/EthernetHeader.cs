using System.Buffers.Binary;

namespace IronLb.Layer2.Capture;

/// <summary>The Ethernet II header (IEEE 802.3 with an EtherType) that frames every ARP and NDP packet.</summary>
internal readonly record struct EthernetHeader(MacAddress Destination, MacAddress Source, ushort EtherType)
{
    public const int Length = 14;
    public const ushort EtherTypeIPv4 = 0x0800;
    public const ushort EtherTypeArp = 0x0806;
    public const ushort EtherTypeIPv6 = 0x86DD;

    /// <summary>Reads the header; frames shorter than a header yield false. VLAN-tagged frames are returned with
    /// EtherType 0x8100 so callers drop them: the kernel strips the tag before a socket on the VLAN device sees it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out EthernetHeader header)
    {
        if (frame.Length < Length)
        {
            header = default;
            return false;
        }

        header = new EthernetHeader(
            MacAddress.Read(frame),
            MacAddress.Read(frame[6..]),
            BinaryPrimitives.ReadUInt16BigEndian(frame[12..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length);
        Destination.Write(destination);
        Source.Write(destination[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], EtherType);
    }
}
