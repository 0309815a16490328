using System.Net;
using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Rib;

/// <summary>The attributes a BGPAdvertisement gives a prefix; prefixes with equal attributes share UPDATEs.</summary>
internal sealed class RouteAttributes : IEquatable<RouteAttributes>
{
    public RouteAttributes(uint? localPref = null, IEnumerable<uint>? communities = null, IEnumerable<LargeCommunity>? largeCommunities = null, uint? med = null, IPAddress? nextHop = null)
    {
        LocalPref = localPref;
        Med = med;
        NextHop = nextHop;

        // Sorted and de-duplicated so that the same set written in another order is the same attributes.
        Communities = (communities ?? []).Distinct().Order().ToArray();
        LargeCommunities = (largeCommunities ?? []).Distinct()
            .OrderBy(c => c.GlobalAdministrator).ThenBy(c => c.LocalData1).ThenBy(c => c.LocalData2).ToArray();
    }

    public static RouteAttributes Default { get; } = new();

    /// <summary>
    /// The attributes of one route that two advertisements both give: communities of both kinds united. Null when
    /// they cannot be one route: MetalLB refuses to merge differing local preferences, and MED or next hop are single
    /// values too.
    /// </summary>
    public static RouteAttributes? TryMerge(RouteAttributes a, RouteAttributes b) =>
        a.LocalPref != b.LocalPref || a.Med != b.Med || !Equals(a.NextHop, b.NextHop)
            ? null
            : new RouteAttributes(a.LocalPref, a.Communities.Concat(b.Communities), a.LargeCommunities.Concat(b.LargeCommunities), a.Med, a.NextHop);

    /// <summary>LOCAL_PREF for iBGP peers; null sends the default 100 (RFC 4271 §5.1.5 requires one on iBGP).</summary>
    public uint? LocalPref { get; }

    public uint? Med { get; }

    /// <summary>An explicit next hop; null uses the session's local address of the prefix's family.</summary>
    public IPAddress? NextHop { get; }

    public IReadOnlyList<uint> Communities { get; }

    public IReadOnlyList<LargeCommunity> LargeCommunities { get; }

    public bool Equals(RouteAttributes? other) =>
        other is not null && LocalPref == other.LocalPref && Med == other.Med && Equals(NextHop, other.NextHop)
        && Communities.SequenceEqual(other.Communities) && LargeCommunities.SequenceEqual(other.LargeCommunities);

    public override bool Equals(object? obj) => Equals(obj as RouteAttributes);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(LocalPref);
        hash.Add(Med);
        hash.Add(NextHop);
        foreach (var c in Communities)
        {
            hash.Add(c);
        }

        foreach (var c in LargeCommunities)
        {
            hash.Add(c);
        }

        return hash.ToHashCode();
    }

    /// <summary>Parses "ASN:VALUE" (RFC 1997) into its 32-bit form.</summary>
    public static uint ParseCommunity(string text)
    {
        var parts = text.Split(':');
        return parts.Length == 2 ? (uint.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) << 16) | ushort.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)
            : throw new FormatException($"community '{text}' is not ASN:VALUE");
    }

    /// <summary>Parses "A:B:C" (RFC 8092).</summary>
    public static LargeCommunity ParseLargeCommunity(string text)
    {
        var parts = text.Split(':').Select(p => uint.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return parts.Length == 3 ? new LargeCommunity(parts[0], parts[1], parts[2]) : throw new FormatException($"large community '{text}' is not A:B:C");
    }
}

/// <summary>One prefix to announce with its attributes.</summary>
internal sealed record Announcement(IPNetwork Prefix, RouteAttributes Attributes);
