using System.Buffers.Binary;
using System.Net;

namespace IronLb.Bgp.Protocol;

/// <summary>
/// Decodes the body of an UPDATE (RFC 4271 §4.3) with the revised error handling of RFC 7606: a malformed attribute
/// leads to attribute discard or treat-as-withdraw where that is safe, and to a session reset only when the message
/// cannot be parsed any further.
/// </summary>
internal static class UpdateReader
{
    public static BgpDecodeResult Read(ReadOnlySpan<byte> body, BgpCodecOptions options)
    {
        int withdrawnLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (2 + withdrawnLength + 2 > body.Length)
        {
            return BgpDecodeResult.Fail(BgpErrorCode.UpdateMessage, BgpErrorSubcode.MalformedAttributeList);
        }

        int attributesLength = BinaryPrimitives.ReadUInt16BigEndian(body[(2 + withdrawnLength)..]);
        if (4 + withdrawnLength + attributesLength > body.Length)
        {
            return BgpDecodeResult.Fail(BgpErrorCode.UpdateMessage, BgpErrorSubcode.MalformedAttributeList);
        }

        // RFC 7606 §5.3: NLRI that cannot be parsed leaves no safe option but a session reset.
        var withdrawn = new List<IPNetwork>();
        if (!PrefixCodec.TryReadAll(body.Slice(2, withdrawnLength), 4, withdrawn))
        {
            return BgpDecodeResult.Fail(BgpErrorCode.UpdateMessage, BgpErrorSubcode.InvalidNetworkField);
        }

        var nlri = new List<IPNetwork>();
        if (!PrefixCodec.TryReadAll(body[(4 + withdrawnLength + attributesLength)..], 4, nlri))
        {
            return BgpDecodeResult.Fail(BgpErrorCode.UpdateMessage, BgpErrorSubcode.InvalidNetworkField);
        }

        var parser = new AttributeParser(options);
        var attributeBytes = body.Slice(4 + withdrawnLength, attributesLength);
        if (!parser.ParseAll(attributeBytes))
        {
            return new BgpDecodeResult(null, parser.Error, UpdateErrorAction.SessionReset);
        }

        var attributes = parser.Build();
        var action = parser.Action;
        NotificationMessage? error = parser.Error;

        // RFC 7606 §3 (d): a missing well-known mandatory attribute means treat-as-withdraw, and only when there is NLRI.
        var announces = nlri.Count > 0 || attributes.MpReach is { Prefixes.Count: > 0 };
        if (announces && action < UpdateErrorAction.TreatAsWithdraw)
        {
            var missing = attributes.Origin is null ? PathAttributeType.Origin
                : attributes.AsPath is null ? PathAttributeType.AsPath
                : nlri.Count > 0 && attributes.NextHop is null ? PathAttributeType.NextHop
                : (PathAttributeType?)null;
            if (missing is { } type)
            {
                action = UpdateErrorAction.TreatAsWithdraw;
                error = new NotificationMessage(BgpErrorCode.UpdateMessage, BgpErrorSubcode.MissingWellKnownAttribute, new[] { (byte)type });
            }
        }

        var hasAttributes = attributesLength > 0;
        var message = new UpdateMessage(withdrawn, hasAttributes ? attributes : null, nlri);
        return new BgpDecodeResult(message, error, action);
    }

    /// <summary>Merges AS_PATH and AS4_PATH from a 2-octet speaker (RFC 6793 §4.2.3).</summary>
    public static IReadOnlyList<AsPathSegment> MergeAs4Path(IReadOnlyList<AsPathSegment> asPath, IReadOnlyList<AsPathSegment> as4Path)
    {
        static int Count(IReadOnlyList<AsPathSegment> path) => path.Sum(s => s.Type switch
        {
            AsPathSegmentType.AsSequence => s.Asns.Count,
            AsPathSegmentType.AsSet => 1,
            _ => 0,
        });

        var keep = Count(asPath) - Count(as4Path);
        if (keep < 0)
        {
            return asPath;
        }

        var merged = new List<AsPathSegment>();
        foreach (var segment in asPath)
        {
            if (keep <= 0)
            {
                break;
            }

            var take = segment.Type == AsPathSegmentType.AsSequence ? Math.Min(keep, segment.Asns.Count) : 1;
            merged.Add(segment.Type == AsPathSegmentType.AsSequence ? segment with { Asns = segment.Asns.Take(take).ToArray() } : segment);
            keep -= segment.Type is AsPathSegmentType.AsSequence or AsPathSegmentType.AsSet ? take : 0;
        }

        merged.AddRange(as4Path);
        return merged;
    }
}
