using System.Buffers;
using System.Buffers.Binary;
using System.Net;

namespace IronLb.Bgp.Protocol;

/// <summary>Encodes path attributes in type-code order, using the extended length only when a value needs it.</summary>
internal static class AttributeWriter
{
    private const AttributeFlags WellKnown = AttributeFlags.Transitive;
    private const AttributeFlags OptionalTransitive = AttributeFlags.Optional | AttributeFlags.Transitive;
    private const AttributeFlags OptionalNonTransitive = AttributeFlags.Optional;

    public static byte[] Encode(PathAttributes attributes, BgpCodecOptions options)
    {
        var output = new ArrayBufferWriter<byte>(256);
        Write(output, attributes, options);
        return output.WrittenSpan.ToArray();
    }

    public static void Write(IBufferWriter<byte> output, PathAttributes a, BgpCodecOptions options)
    {
        if (a.Origin is { } origin)
        {
            Put(output, WellKnown, PathAttributeType.Origin, [(byte)origin]);
        }

        if (a.AsPath is { } path)
        {
            // RFC 6793 §4.2.2: a 2-octet peer gets AS_TRANS in AS_PATH and the real path in AS4_PATH.
            var needsAs4 = !options.FourOctetAs && path.Any(s => s.Asns.Any(asn => asn > ushort.MaxValue));
            Put(output, WellKnown, PathAttributeType.AsPath, AsPathBytes(path, options.FourOctetAs ? 4 : 2));
            if (needsAs4)
            {
                Put(output, OptionalTransitive, PathAttributeType.As4Path, AsPathBytes(path, 4));
            }
        }

        if (a.NextHop is { } nextHop)
        {
            Put(output, WellKnown, PathAttributeType.NextHop, nextHop.GetAddressBytes());
        }

        if (a.MultiExitDisc is { } med)
        {
            Put(output, OptionalNonTransitive, PathAttributeType.MultiExitDisc, UInt32(med));
        }

        if (a.LocalPref is { } localPref)
        {
            Put(output, WellKnown, PathAttributeType.LocalPref, UInt32(localPref));
        }

        if (a.AtomicAggregate)
        {
            Put(output, WellKnown, PathAttributeType.AtomicAggregate, []);
        }

        if (a.Aggregator is { } aggregator)
        {
            var wide = options.FourOctetAs || aggregator.Asn <= ushort.MaxValue;
            var asn = options.FourOctetAs ? UInt32(aggregator.Asn) : UInt16(wide ? (ushort)aggregator.Asn : BgpWire.AsTrans);
            Put(output, OptionalTransitive, PathAttributeType.Aggregator, [.. asn, .. aggregator.Address.GetAddressBytes()]);
            if (!wide)
            {
                Put(output, OptionalTransitive, PathAttributeType.As4Aggregator, [.. UInt32(aggregator.Asn), .. aggregator.Address.GetAddressBytes()]);
            }
        }

        if (a.Communities.Count > 0)
        {
            Put(output, OptionalTransitive, PathAttributeType.Communities, a.Communities.SelectMany(UInt32).ToArray());
        }

        if (a.MpReach is { } reach)
        {
            Put(output, OptionalNonTransitive, PathAttributeType.MpReachNlri, MpReachBytes(reach));
        }

        if (a.MpUnreach is { } unreach)
        {
            var value = new byte[3 + unreach.Prefixes.Sum(PrefixCodec.EncodedLength)];
            BinaryPrimitives.WriteUInt16BigEndian(value, unreach.Family.Afi);
            value[2] = unreach.Family.Safi;
            var at = 3;
            foreach (var prefix in unreach.Prefixes)
            {
                at += PrefixCodec.Write(value.AsSpan(at), prefix);
            }

            Put(output, OptionalNonTransitive, PathAttributeType.MpUnreachNlri, value);
        }

        if (a.LargeCommunities.Count > 0)
        {
            Put(output, OptionalTransitive, PathAttributeType.LargeCommunity,
                a.LargeCommunities.SelectMany(c => (byte[])[.. UInt32(c.GlobalAdministrator), .. UInt32(c.LocalData1), .. UInt32(c.LocalData2)]).ToArray());
        }

        foreach (var raw in a.Other)
        {
            Put(output, raw.Flags & ~AttributeFlags.ExtendedLength, (PathAttributeType)raw.TypeCode, raw.Value);
        }
    }

    /// <summary>Octets an MP_REACH_NLRI value takes before its NLRI: AFI, SAFI, next-hop length, next hop(s), reserved.</summary>
    public static int MpReachOverhead(MpReachNlri reach) => 5 + NextHopLength(reach);

    private static int NextHopLength(MpReachNlri reach) => reach.NextHop.GetAddressBytes().Length + (reach.LinkLocalNextHop is null ? 0 : 16);

    private static byte[] MpReachBytes(MpReachNlri reach)
    {
        var nextHopLength = NextHopLength(reach);
        var value = new byte[5 + nextHopLength + reach.Prefixes.Sum(PrefixCodec.EncodedLength)];
        BinaryPrimitives.WriteUInt16BigEndian(value, reach.Family.Afi);
        value[2] = reach.Family.Safi;
        value[3] = (byte)nextHopLength;
        reach.NextHop.TryWriteBytes(value.AsSpan(4), out var written);
        reach.LinkLocalNextHop?.TryWriteBytes(value.AsSpan(4 + written), out _);
        var at = 5 + nextHopLength;
        foreach (var prefix in reach.Prefixes)
        {
            at += PrefixCodec.Write(value.AsSpan(at), prefix);
        }

        return value;
    }

    private static byte[] AsPathBytes(IReadOnlyList<AsPathSegment> path, int asnLength)
    {
        var bytes = new List<byte>();
        foreach (var segment in path)
        {
            // A segment holds at most 255 ASes; longer runs continue in a further segment of the same type.
            foreach (var chunk in segment.Asns.Chunk(255))
            {
                bytes.Add((byte)segment.Type);
                bytes.Add((byte)chunk.Length);
                foreach (var asn in chunk)
                {
                    bytes.AddRange(asnLength == 4 ? UInt32(asn) : UInt16(asn > ushort.MaxValue ? BgpWire.AsTrans : (ushort)asn));
                }
            }
        }

        return bytes.ToArray();
    }

    private static void Put(IBufferWriter<byte> output, AttributeFlags flags, PathAttributeType type, ReadOnlySpan<byte> value)
    {
        var extended = value.Length > byte.MaxValue;
        var header = extended ? 4 : 3;
        var span = output.GetSpan(header + value.Length);
        span[0] = (byte)(flags | (extended ? AttributeFlags.ExtendedLength : AttributeFlags.None));
        span[1] = (byte)type;
        if (extended)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)value.Length);
        }
        else
        {
            span[2] = (byte)value.Length;
        }

        value.CopyTo(span[header..]);
        output.Advance(header + value.Length);
    }

    private static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] UInt16(ushort value) => [(byte)(value >> 8), (byte)value];
}
