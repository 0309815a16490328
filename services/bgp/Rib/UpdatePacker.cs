using System.Buffers;
using System.Net;
using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Rib;

/// <summary>How this speaker fills in the attributes it owns for one peer.</summary>
/// <param name="LocalAsn">Prepended to AS_PATH for eBGP peers.</param>
/// <param name="IsInternal">iBGP: empty AS_PATH and a LOCAL_PREF.</param>
/// <param name="Ipv4NextHop">NEXT_HOP for IPv4 prefixes when the announcement names none.</param>
/// <param name="Ipv6NextHop">Next hop for IPv6 prefixes when the announcement names none.</param>
/// <param name="Codec">The session's negotiated encoding.</param>
internal sealed record UpdateContext(uint LocalAsn, bool IsInternal, IPAddress? Ipv4NextHop, IPAddress? Ipv6NextHop, BgpCodecOptions Codec);

/// <summary>Turns Adj-RIB-Out changes into as few UPDATEs as fit in 4096 octets each.</summary>
internal static class UpdatePacker
{
    private const uint DefaultLocalPref = 100;

    /// <summary>Writes withdrawals first, then announcements; returns the number of UPDATEs written.</summary>
    public static int Write(IBufferWriter<byte> output, RibChanges changes, UpdateContext context)
    {
        var messages = 0;
        foreach (var (family, prefixes) in changes.Withdraw)
        {
            messages += WriteWithdrawals(output, family, prefixes, context);
        }

        foreach (var group in changes.Announce)
        {
            messages += WriteGroup(output, group, context);
        }

        return messages;
    }

    /// <summary>The End-of-RIB marker for a family (RFC 4724 §2).</summary>
    public static UpdateMessage EndOfRib(BgpFamily family) => family == BgpFamily.Ipv4Unicast
        ? new UpdateMessage([], null, [])
        : new UpdateMessage([], new PathAttributes { MpUnreach = new MpUnreachNlri(family, []) }, []);

    public static int WriteWithdrawals(IBufferWriter<byte> output, BgpFamily family, IReadOnlyList<IPNetwork> prefixes, UpdateContext context)
    {
        // IPv4 goes in the Withdrawn Routes field; other families in MP_UNREACH_NLRI (extended length header, AFI, SAFI).
        var room = BgpWire.MaxMessageLength - BgpWire.MinUpdateLength - (family == BgpFamily.Ipv4Unicast ? 0 : 4 + 3);
        var messages = 0;
        foreach (var chunk in Chunk(prefixes, room))
        {
            var update = family == BgpFamily.Ipv4Unicast
                ? new UpdateMessage(chunk, null, [])
                : new UpdateMessage([], new PathAttributes { MpUnreach = new MpUnreachNlri(family, chunk) }, []);
            UpdateWriter.Write(output, update, context.Codec);
            messages++;
        }

        return messages;
    }

    public static int WriteGroup(IBufferWriter<byte> output, RouteGroup group, UpdateContext context)
    {
        var attributes = BaseAttributes(group.Attributes, context);
        var baseLength = AttributeWriter.Encode(attributes, context.Codec).Length;
        var messages = 0;
        if (group.Family == BgpFamily.Ipv4Unicast)
        {
            var nextHop = group.Attributes.NextHop ?? context.Ipv4NextHop ?? throw new InvalidOperationException("no IPv4 next hop for this session");
            attributes = attributes with { NextHop = nextHop };
            var room = BgpWire.MaxMessageLength - BgpWire.MinUpdateLength - baseLength - 7;
            foreach (var chunk in Chunk(group.Prefixes, room))
            {
                UpdateWriter.Write(output, new UpdateMessage([], attributes, chunk), context.Codec);
                messages++;
            }

            return messages;
        }

        var nextHop6 = group.Attributes.NextHop ?? context.Ipv6NextHop ?? throw new InvalidOperationException("no IPv6 next hop for this session");
        var probe = new MpReachNlri(group.Family, nextHop6, null, []);
        var mpRoom = BgpWire.MaxMessageLength - BgpWire.MinUpdateLength - baseLength - 4 - AttributeWriter.MpReachOverhead(probe);
        foreach (var chunk in Chunk(group.Prefixes, mpRoom))
        {
            UpdateWriter.Write(output, new UpdateMessage([], attributes with { MpReach = probe with { Prefixes = chunk } }, []), context.Codec);
            messages++;
        }

        return messages;
    }

    private static PathAttributes BaseAttributes(RouteAttributes route, UpdateContext context) => new()
    {
        // INCOMPLETE, as MetalLB sends: routes from several nodes then compare equal and FRR can use them all (ECMP).
        Origin = BgpOrigin.Incomplete,
        AsPath = context.IsInternal ? [] : [new AsPathSegment(AsPathSegmentType.AsSequence, [context.LocalAsn])],
        MultiExitDisc = route.Med,
        LocalPref = context.IsInternal ? route.LocalPref ?? DefaultLocalPref : null,
        Communities = route.Communities,
        LargeCommunities = route.LargeCommunities,
    };

    /// <summary>Splits prefixes into runs whose encoded NLRI fits in <paramref name="room"/> octets.</summary>
    private static IEnumerable<IPNetwork[]> Chunk(IReadOnlyList<IPNetwork> prefixes, int room)
    {
        var start = 0;
        while (start < prefixes.Count)
        {
            var used = 0;
            var end = start;
            while (end < prefixes.Count && used + PrefixCodec.EncodedLength(prefixes[end]) <= room)
            {
                used += PrefixCodec.EncodedLength(prefixes[end]);
                end++;
            }

            var chunk = new IPNetwork[end - start];
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i] = prefixes[start + i];
            }

            yield return chunk;
            start = end;
        }
    }
}
