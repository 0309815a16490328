using System.Net;

namespace IronLb.Bgp.Protocol;

/// <summary>AS_PATH segment types (RFC 4271 §4.3, RFC 5065).</summary>
internal enum AsPathSegmentType : byte
{
    AsSet = 1,
    AsSequence = 2,
    ConfedSequence = 3,
    ConfedSet = 4,
}

/// <summary>One AS_PATH segment.</summary>
internal sealed record AsPathSegment(AsPathSegmentType Type, IReadOnlyList<uint> Asns)
{
    public bool Equals(AsPathSegment? other) => other is not null && Type == other.Type && Asns.SequenceEqual(other.Asns);

    public override int GetHashCode() => HashCode.Combine(Type, Asns.Count);
}

/// <summary>A large community (RFC 8092 §3): global administrator and two local data parts.</summary>
internal readonly record struct LargeCommunity(uint GlobalAdministrator, uint LocalData1, uint LocalData2)
{
    public override string ToString() => $"{GlobalAdministrator}:{LocalData1}:{LocalData2}";
}

/// <summary>AGGREGATOR (RFC 4271 §5.1.7): the AS and router that formed an aggregate.</summary>
internal sealed record Aggregator(uint Asn, IPAddress Address);

/// <summary>MP_REACH_NLRI (RFC 4760 §3): reachable prefixes of one family and their next hop(s).</summary>
internal sealed record MpReachNlri(BgpFamily Family, IPAddress NextHop, IPAddress? LinkLocalNextHop, IReadOnlyList<IPNetwork> Prefixes);

/// <summary>MP_UNREACH_NLRI (RFC 4760 §4): withdrawn prefixes of one family.</summary>
internal sealed record MpUnreachNlri(BgpFamily Family, IReadOnlyList<IPNetwork> Prefixes);

/// <summary>An attribute kept as received because this speaker does not interpret it.</summary>
internal sealed record RawAttribute(AttributeFlags Flags, byte TypeCode, byte[] Value);

/// <summary>The path attributes of one UPDATE; absent attributes are null or empty.</summary>
internal sealed record PathAttributes
{
    public static PathAttributes Empty { get; } = new();

    public BgpOrigin? Origin { get; init; }

    public IReadOnlyList<AsPathSegment>? AsPath { get; init; }

    public IPAddress? NextHop { get; init; }

    public uint? MultiExitDisc { get; init; }

    public uint? LocalPref { get; init; }

    public bool AtomicAggregate { get; init; }

    public Aggregator? Aggregator { get; init; }

    public IReadOnlyList<uint> Communities { get; init; } = [];

    public IReadOnlyList<LargeCommunity> LargeCommunities { get; init; } = [];

    public MpReachNlri? MpReach { get; init; }

    public MpUnreachNlri? MpUnreach { get; init; }

    /// <summary>AS4_PATH as received from a 2-octet speaker (RFC 6793 §4.2.3); merged into AsPath by the decoder.</summary>
    public IReadOnlyList<AsPathSegment>? As4Path { get; init; }

    public IReadOnlyList<RawAttribute> Other { get; init; } = [];

    public bool IsEmpty =>
        Origin is null && AsPath is null && NextHop is null && MultiExitDisc is null && LocalPref is null && !AtomicAggregate
        && Aggregator is null && Communities.Count == 0 && LargeCommunities.Count == 0 && MpReach is null && MpUnreach is null
        && As4Path is null && Other.Count == 0;

    public PathAttributes WithoutMp() => this with { MpReach = null, MpUnreach = null };
}
