using System.Buffers.Binary;
using System.Net;

namespace IronLb.Bgp.Protocol;

/// <summary>Walks the path attributes of one UPDATE, deciding for each error what RFC 7606 says to do with it.</summary>
internal ref struct AttributeParser(BgpCodecOptions options)
{
    private readonly HashSet<byte> _seen = [];
    private readonly List<RawAttribute> _other = [];
    private PathAttributes _attributes = new();

    /// <summary>The harshest action any attribute asked for so far.</summary>
    public UpdateErrorAction Action { get; private set; }

    /// <summary>The NOTIFICATION matching that action (sent only for a session reset, logged otherwise).</summary>
    public NotificationMessage? Error { get; private set; }

    /// <summary>Parses every attribute; false when the session must be reset.</summary>
    public bool ParseAll(ReadOnlySpan<byte> source)
    {
        while (!source.IsEmpty)
        {
            if (source.Length < 3)
            {
                return Reset(BgpErrorSubcode.MalformedAttributeList, default);
            }

            var flags = (AttributeFlags)source[0];
            var type = source[1];
            var extended = flags.HasFlag(AttributeFlags.ExtendedLength);
            var headerLength = extended ? 4 : 3;
            if (source.Length < headerLength)
            {
                return Reset(BgpErrorSubcode.MalformedAttributeList, default);
            }

            int length = extended ? BinaryPrimitives.ReadUInt16BigEndian(source[2..]) : source[2];
            if (source.Length < headerLength + length)
            {
                // RFC 7606 §4: an attribute overrunning the attribute block means the block cannot be trusted at all.
                return Reset(BgpErrorSubcode.AttributeLengthError, source);
            }

            var whole = source[..(headerLength + length)];
            var value = whole[headerLength..];
            source = source[whole.Length..];

            // RFC 7606 §3 (g): only the first of repeated attributes counts, except the MP ones, which are fatal.
            if (!_seen.Add(type))
            {
                if (type is (byte)PathAttributeType.MpReachNlri or (byte)PathAttributeType.MpUnreachNlri)
                {
                    return Reset(BgpErrorSubcode.MalformedAttributeList, default);
                }

                continue;
            }

            if (!ParseOne(flags, type, value, whole))
            {
                return false;
            }
        }

        return true;
    }

    public readonly PathAttributes Build()
    {
        var attributes = _attributes with { Other = _other.ToArray() };
        if (!options.FourOctetAs && attributes is { AsPath: { } path, As4Path: { } as4 })
        {
            attributes = attributes with { AsPath = UpdateReader.MergeAs4Path(path, as4) };
        }

        return attributes;
    }

    private bool ParseOne(AttributeFlags flags, byte type, ReadOnlySpan<byte> value, ReadOnlySpan<byte> whole)
    {
        if (!Enum.IsDefined((PathAttributeType)type))
        {
            if (!flags.HasFlag(AttributeFlags.Optional))
            {
                return Reset(BgpErrorSubcode.UnrecognizedWellKnownAttribute, whole);
            }

            _other.Add(new RawAttribute(flags, type, value.ToArray()));
            return true;
        }

        var kind = (PathAttributeType)type;
        if (!FlagsMatch(kind, flags))
        {
            // RFC 7606 §3 (c): a flags conflict is handled like any other malformation of that attribute.
            return Malformed(kind, BgpErrorSubcode.AttributeFlagsError, whole);
        }

        switch (kind)
        {
            case PathAttributeType.Origin:
                if (value.Length != 1)
                {
                    return Malformed(kind, BgpErrorSubcode.AttributeLengthError, whole);
                }

                if (value[0] > (byte)BgpOrigin.Incomplete)
                {
                    return Malformed(kind, BgpErrorSubcode.InvalidOriginAttribute, whole);
                }

                _attributes = _attributes with { Origin = (BgpOrigin)value[0] };
                return true;
            case PathAttributeType.AsPath:
                var path = ReadAsPath(value, options.FourOctetAs ? 4 : 2);
                return path is null ? Malformed(kind, BgpErrorSubcode.MalformedAsPath, whole) : Set(_attributes with { AsPath = path });
            case PathAttributeType.As4Path:
                // RFC 6793 §4.1: a 4-octet session ignores AS4_PATH; a malformed one is discarded (§6).
                var as4 = options.FourOctetAs ? null : ReadAsPath(value, 4);
                return as4 is null ? options.FourOctetAs || Malformed(kind, BgpErrorSubcode.OptionalAttributeError, whole) : Set(_attributes with { As4Path = as4 });
            case PathAttributeType.NextHop:
                if (value.Length != 4)
                {
                    return Malformed(kind, BgpErrorSubcode.AttributeLengthError, whole);
                }

                var nextHop = new IPAddress(value);
                var first = value[0];
                if (first == 0 || first >= 224 || first == 127)
                {
                    // RFC 4271 §6.3: syntactically wrong NEXT_HOP; RFC 7606 §7.3 says treat-as-withdraw.
                    return Malformed(kind, BgpErrorSubcode.InvalidNextHopAttribute, whole);
                }

                return Set(_attributes with { NextHop = nextHop });
            case PathAttributeType.MultiExitDisc:
            case PathAttributeType.LocalPref:
                if (value.Length != 4)
                {
                    return Malformed(kind, BgpErrorSubcode.AttributeLengthError, whole);
                }

                var number = BinaryPrimitives.ReadUInt32BigEndian(value);
                return Set(kind == PathAttributeType.LocalPref ? _attributes with { LocalPref = number } : _attributes with { MultiExitDisc = number });
            case PathAttributeType.AtomicAggregate:
                return value.Length != 0 ? Malformed(kind, BgpErrorSubcode.AttributeLengthError, whole) : Set(_attributes with { AtomicAggregate = true });
            case PathAttributeType.Aggregator:
            case PathAttributeType.As4Aggregator:
                var asnLength = kind == PathAttributeType.As4Aggregator || options.FourOctetAs ? 4 : 2;
                if (value.Length != asnLength + 4)
                {
                    return Malformed(kind, BgpErrorSubcode.AttributeLengthError, whole);
                }

                var asn = asnLength == 4 ? BinaryPrimitives.ReadUInt32BigEndian(value) : BinaryPrimitives.ReadUInt16BigEndian(value);
                var aggregator = new Aggregator(asn, new IPAddress(value[asnLength..]));
                return kind == PathAttributeType.As4Aggregator && options.FourOctetAs
                    || Set(_attributes with { Aggregator = kind == PathAttributeType.As4Aggregator || _attributes.Aggregator is null ? aggregator : _attributes.Aggregator });
            case PathAttributeType.Communities:
                if (value.Length == 0 || value.Length % 4 != 0)
                {
                    return Malformed(kind, BgpErrorSubcode.OptionalAttributeError, whole);
                }

                var communities = new uint[value.Length / 4];
                for (var i = 0; i < communities.Length; i++)
                {
                    communities[i] = BinaryPrimitives.ReadUInt32BigEndian(value[(i * 4)..]);
                }

                return Set(_attributes with { Communities = communities });
            case PathAttributeType.LargeCommunity:
                if (value.Length == 0 || value.Length % 12 != 0)
                {
                    return Malformed(kind, BgpErrorSubcode.OptionalAttributeError, whole);
                }

                var large = new LargeCommunity[value.Length / 12];
                for (var i = 0; i < large.Length; i++)
                {
                    var at = value[(i * 12)..];
                    large[i] = new LargeCommunity(BinaryPrimitives.ReadUInt32BigEndian(at), BinaryPrimitives.ReadUInt32BigEndian(at[4..]), BinaryPrimitives.ReadUInt32BigEndian(at[8..]));
                }

                return Set(_attributes with { LargeCommunities = large });
            case PathAttributeType.MpReachNlri:
                return MultiprotocolReader.TryReadReach(value, out var reach, out var reachIsRaw)
                    ? reachIsRaw ? Keep(flags, type, value) : Set(_attributes with { MpReach = reach })
                    : Malformed(kind, BgpErrorSubcode.OptionalAttributeError, whole);
            case PathAttributeType.MpUnreachNlri:
                return MultiprotocolReader.TryReadUnreach(value, out var unreach, out var unreachIsRaw)
                    ? unreachIsRaw ? Keep(flags, type, value) : Set(_attributes with { MpUnreach = unreach })
                    : Malformed(kind, BgpErrorSubcode.OptionalAttributeError, whole);
            default:
                return Keep(flags, type, value);
        }
    }

    private bool Set(PathAttributes attributes)
    {
        _attributes = attributes;
        return true;
    }

    private readonly bool Keep(AttributeFlags flags, byte type, ReadOnlySpan<byte> value)
    {
        _other.Add(new RawAttribute(flags, type, value.ToArray()));
        return true;
    }

    private static bool FlagsMatch(PathAttributeType type, AttributeFlags flags)
    {
        var optional = flags.HasFlag(AttributeFlags.Optional);
        var transitive = flags.HasFlag(AttributeFlags.Transitive);
        var partial = flags.HasFlag(AttributeFlags.Partial);
        return type switch
        {
            // Well-known: not optional, transitive, never partial (RFC 4271 §5).
            PathAttributeType.Origin or PathAttributeType.AsPath or PathAttributeType.NextHop or PathAttributeType.LocalPref
                or PathAttributeType.AtomicAggregate => !optional && transitive && !partial,

            // Optional non-transitive: the partial bit must be clear.
            PathAttributeType.MultiExitDisc or PathAttributeType.MpReachNlri or PathAttributeType.MpUnreachNlri => optional && !transitive && !partial,

            // Optional transitive.
            _ => optional && transitive,
        };
    }

    /// <summary>Records a malformed attribute and applies the RFC 7606 §7 action for its type.</summary>
    private bool Malformed(PathAttributeType type, byte subcode, ReadOnlySpan<byte> whole)
    {
        var action = type switch
        {
            PathAttributeType.AtomicAggregate or PathAttributeType.Aggregator or PathAttributeType.As4Aggregator
                or PathAttributeType.As4Path => UpdateErrorAction.AttributeDiscard,
            PathAttributeType.MpReachNlri or PathAttributeType.MpUnreachNlri => UpdateErrorAction.SessionReset,
            _ => UpdateErrorAction.TreatAsWithdraw,
        };
        if (action == UpdateErrorAction.SessionReset)
        {
            return Reset(subcode, whole);
        }

        if (action > Action)
        {
            Action = action;
            Error = new NotificationMessage(BgpErrorCode.UpdateMessage, subcode, whole.ToArray());
        }

        return true;
    }

    private bool Reset(byte subcode, ReadOnlySpan<byte> data)
    {
        Action = UpdateErrorAction.SessionReset;
        Error = new NotificationMessage(BgpErrorCode.UpdateMessage, subcode, data.ToArray());
        return false;
    }

    private static AsPathSegment[]? ReadAsPath(ReadOnlySpan<byte> value, int asnLength)
    {
        var segments = new List<AsPathSegment>();
        while (!value.IsEmpty)
        {
            // RFC 7606 §7.2: unknown segment type, zero-length segment or overrun make the AS_PATH malformed.
            if (value.Length < 2 || value[0] is < 1 or > 4 || value[1] == 0 || value.Length < 2 + (value[1] * asnLength))
            {
                return null;
            }

            var asns = new uint[value[1]];
            for (var i = 0; i < asns.Length; i++)
            {
                var at = value[(2 + (i * asnLength))..];
                asns[i] = asnLength == 4 ? BinaryPrimitives.ReadUInt32BigEndian(at) : BinaryPrimitives.ReadUInt16BigEndian(at);
            }

            segments.Add(new AsPathSegment((AsPathSegmentType)value[0], asns));
            value = value[(2 + (asns.Length * asnLength))..];
        }

        return segments.ToArray();
    }
}
