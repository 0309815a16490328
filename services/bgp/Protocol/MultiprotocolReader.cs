using System.Buffers.Binary;
using System.Net;

namespace IronLb.Bgp.Protocol;

/// <summary>Decodes MP_REACH_NLRI and MP_UNREACH_NLRI values (RFC 4760 §3, §4; IPv6 next hops per RFC 2545 §3).</summary>
internal static class MultiprotocolReader
{
    /// <summary>False when malformed; <paramref name="isRaw"/> when the family is not one this speaker reads.</summary>
    public static bool TryReadReach(ReadOnlySpan<byte> value, out MpReachNlri? reach, out bool isRaw)
    {
        reach = null;
        isRaw = false;
        if (value.Length < 5 || value.Length < 5 + value[3])
        {
            return false;
        }

        var family = new BgpFamily(BinaryPrimitives.ReadUInt16BigEndian(value), value[2]);
        if (family != BgpFamily.Ipv4Unicast && family != BgpFamily.Ipv6Unicast)
        {
            isRaw = true;
            return true;
        }

        int nextHopLength = value[3];
        var nextHops = value.Slice(4, nextHopLength);
        IPAddress nextHop;
        IPAddress? linkLocal = null;
        switch (nextHopLength)
        {
            case 4 when family == BgpFamily.Ipv4Unicast:
                nextHop = new IPAddress(nextHops);
                break;
            case 16:
                nextHop = new IPAddress(nextHops);
                break;
            case 32:
                nextHop = new IPAddress(nextHops[..16]);
                linkLocal = new IPAddress(nextHops[16..]);
                break;
            default:
                return false;
        }

        // The octet after the next hop is reserved (formerly SNPAs) and ignored on receipt.
        var prefixes = new List<IPNetwork>();
        if (!PrefixCodec.TryReadAll(value[(5 + nextHopLength)..], family.AddressLength, prefixes))
        {
            return false;
        }

        reach = new MpReachNlri(family, nextHop, linkLocal, prefixes);
        return true;
    }

    public static bool TryReadUnreach(ReadOnlySpan<byte> value, out MpUnreachNlri? unreach, out bool isRaw)
    {
        unreach = null;
        isRaw = false;
        if (value.Length < 3)
        {
            return false;
        }

        var family = new BgpFamily(BinaryPrimitives.ReadUInt16BigEndian(value), value[2]);
        if (family != BgpFamily.Ipv4Unicast && family != BgpFamily.Ipv6Unicast)
        {
            isRaw = true;
            return true;
        }

        var prefixes = new List<IPNetwork>();
        if (!PrefixCodec.TryReadAll(value[3..], family.AddressLength, prefixes))
        {
            return false;
        }

        unreach = new MpUnreachNlri(family, prefixes);
        return true;
    }
}
