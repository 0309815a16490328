using System.Buffers.Binary;
using System.Net;
using IronLb.Bgp.Protocol;

namespace IronLb.Bench;

/// <summary>
/// Writes an MRT TABLE_DUMP_V2 file (RFC 6396 §4.3) that `gobgp mrt inject global` loads, to preload GoBGP's RIB
/// for the baseline. GoBGP 3.10 needs the full MP_REACH_NLRI form and drops the tail of the file, so the file is
/// padded with repeats of the last record; peer AS 0 makes the paths local.
/// </summary>
internal static class BgpMrtWriter
{
    private const ushort TableDumpV2 = 13;
    private const ushort PeerIndexTable = 1;
    private const ushort RibIpv6Unicast = 4;

    public static void Write(string path, IReadOnlyList<IPNetwork> prefixes, IPAddress nextHop, int padding)
    {
        using var file = File.Create(path);
        var peerIndex = new byte[4 + 2 + 2 + 1 + 4 + 4 + 4];
        BinaryPrimitives.WriteUInt32BigEndian(peerIndex, 0xC000020B);
        BinaryPrimitives.WriteUInt16BigEndian(peerIndex.AsSpan(6), 1);
        peerIndex[8] = 0x02; // IPv4 peer address, 4-octet AS
        BinaryPrimitives.WriteUInt32BigEndian(peerIndex.AsSpan(9), 0xC000020B);
        IPAddress.Parse("192.0.2.11").TryWriteBytes(peerIndex.AsSpan(13), out _);
        WriteRecord(file, PeerIndexTable, peerIndex);

        var attributes = AttributeWriter.Encode(new PathAttributes
        {
            Origin = BgpOrigin.Incomplete,
            AsPath = [],
            MpReach = new MpReachNlri(BgpFamily.Ipv6Unicast, nextHop, null, []),
        }, BgpCodecOptions.Default);
        for (var i = 0; i < prefixes.Count + padding; i++)
        {
            var prefix = prefixes[Math.Min(i, prefixes.Count - 1)];
            var octets = (prefix.PrefixLength + 7) / 8;
            var body = new byte[4 + 1 + octets + 2 + 2 + 4 + 2 + attributes.Length];
            BinaryPrimitives.WriteUInt32BigEndian(body, (uint)i);
            PrefixCodec.Write(body.AsSpan(4), prefix);
            var at = 5 + octets;
            BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(at), 1);
            BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(at + 2), 0);
            BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(at + 4), 0);
            BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(at + 8), (ushort)attributes.Length);
            attributes.CopyTo(body, at + 10);
            WriteRecord(file, RibIpv6Unicast, body);
        }
    }

    private static void WriteRecord(Stream output, ushort subtype, byte[] body)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], TableDumpV2);
        BinaryPrimitives.WriteUInt16BigEndian(header[6..], subtype);
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], (uint)body.Length);
        output.Write(header);
        output.Write(body);
    }
}
