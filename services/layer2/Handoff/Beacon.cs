using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using IronLb.Layer2.Capture;

namespace IronLb.Layer2.Handoff;

/// <summary>What one beacon entry says about an address.</summary>
internal enum BeaconEntryKind : byte
{
    /// <summary>The sender answers for the address.</summary>
    Held = 1,

    /// <summary>The sender has been made owner and waits for the previous one to fall silent.</summary>
    Claim = 2,

    /// <summary>The sender stopped answering for the address (it yielded or lost it).</summary>
    Released = 3,
}

/// <summary>One address in a beacon, with the owner epoch the sender holds it at.</summary>
internal readonly record struct BeaconEntry(IPAddress Address, long Epoch, BeaconEntryKind Kind);

/// <summary>
/// A layer2 agent's LAN beacon: which addresses it answers for, which it is taking over and which it just gave up.
/// Broadcast every <c>Failover:BeaconInterval</c> on every interface it could answer on, with the IEEE 802 local
/// experimental EtherType 0x88B5, so the nodes of one LAN hand addresses over among themselves even when the state
/// store is out of reach (the LAN tells who answers).
/// </summary>
/// <remarks>
/// Layout after the Ethernet header: "ILB" and version 1 (4 bytes), flags (1: bit 0 = the sender is leaving),
/// node name length (1) and UTF-8 name (at most 63 bytes), sequence (8), entry count (2), then per entry kind (1),
/// address family (1: 4 or 6), address (4 or 16), epoch (8). Integers are big-endian. A node with more entries than
/// fit one frame sends several beacons with the same sequence.
/// </remarks>
internal sealed record Beacon(string Node, long Sequence, bool Leaving, IReadOnlyList<BeaconEntry> Entries)
{
    public const ushort EtherType = 0x88B5;
    public const int MaxFrameLength = 1514;
    private const uint Magic = 0x494C4201; // "ILB" + version 1
    private const int MaxNodeBytes = 63;
    private const int FixedLength = EthernetHeader.Length + 4 + 1 + 1 + 8 + 2;
    private const int MaxEntryLength = 1 + 1 + 16 + 8;

    /// <summary>Writes the beacon as one or more frames from <paramref name="source"/> to the broadcast address.</summary>
    public IEnumerable<byte[]> ToFrames(MacAddress source)
    {
        var name = Encoding.UTF8.GetBytes(Node);
        if (name.Length is 0 or > MaxNodeBytes)
        {
            throw new InvalidOperationException($"A beacon's node name must be 1 to {MaxNodeBytes} UTF-8 bytes: '{Node}'");
        }

        var perFrame = (MaxFrameLength - FixedLength - name.Length) / MaxEntryLength;
        var offset = 0;
        do
        {
            var count = Math.Min(perFrame, Entries.Count - offset);
            yield return WriteFrame(source, name, offset, count);
            offset += count;
        }
        while (offset < Entries.Count);
    }

    private byte[] WriteFrame(MacAddress source, byte[] name, int first, int count)
    {
        var frame = new byte[MaxFrameLength];
        new EthernetHeader(MacAddress.Broadcast, source, EtherType).Write(frame);
        var span = frame.AsSpan(EthernetHeader.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, Magic);
        span[4] = Leaving ? (byte)1 : (byte)0;
        span[5] = (byte)name.Length;
        name.CopyTo(span[6..]);
        var at = 6 + name.Length;
        BinaryPrimitives.WriteInt64BigEndian(span[at..], Sequence);
        BinaryPrimitives.WriteUInt16BigEndian(span[(at + 8)..], (ushort)count);
        at += 10;
        for (var i = first; i < first + count; i++)
        {
            var entry = Entries[i];
            span[at] = (byte)entry.Kind;
            var v4 = entry.Address.AddressFamily == AddressFamily.InterNetwork;
            span[at + 1] = v4 ? (byte)4 : (byte)6;
            entry.Address.TryWriteBytes(span[(at + 2)..], out var written);
            at += 2 + written;
            BinaryPrimitives.WriteInt64BigEndian(span[at..], entry.Epoch);
            at += 8;
        }

        return frame[..(EthernetHeader.Length + at)];
    }

    /// <summary>Reads a beacon frame; anything malformed, truncated or of another version gives false.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out MacAddress source, out Beacon? beacon)
    {
        beacon = null;
        source = default;
        if (!EthernetHeader.TryRead(frame, out var ethernet) || ethernet.EtherType != EtherType)
        {
            return false;
        }

        source = ethernet.Source;
        var span = frame[EthernetHeader.Length..];
        if (span.Length < 6 || BinaryPrimitives.ReadUInt32BigEndian(span) != Magic || (span[4] & ~1) != 0)
        {
            return false;
        }

        var nameLength = span[5];
        if (nameLength is 0 or > MaxNodeBytes || span.Length < 6 + nameLength + 10)
        {
            return false;
        }

        var node = Encoding.UTF8.GetString(span.Slice(6, nameLength));
        var at = 6 + nameLength;
        var sequence = BinaryPrimitives.ReadInt64BigEndian(span[at..]);
        var count = BinaryPrimitives.ReadUInt16BigEndian(span[(at + 8)..]);
        at += 10;
        var entries = new List<BeaconEntry>(Math.Min((int)count, 64));
        for (var i = 0; i < count; i++)
        {
            if (span.Length < at + 2)
            {
                return false;
            }

            var kind = (BeaconEntryKind)span[at];
            var length = span[at + 1] switch { 4 => 4, 6 => 16, _ => -1 };
            if (length < 0 || kind is not (BeaconEntryKind.Held or BeaconEntryKind.Claim or BeaconEntryKind.Released) || span.Length < at + 2 + length + 8)
            {
                return false;
            }

            var address = new IPAddress(span.Slice(at + 2, length));
            at += 2 + length;
            entries.Add(new BeaconEntry(address, BinaryPrimitives.ReadInt64BigEndian(span[at..]), kind));
            at += 8;
        }

        beacon = new Beacon(node, sequence, (span[4] & 1) != 0, entries);
        return true;
    }
}
