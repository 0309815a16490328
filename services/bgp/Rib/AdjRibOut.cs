using System.Net;
using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Rib;

/// <summary>Prefixes of one family that share attributes: what one packed run of UPDATEs carries.</summary>
internal sealed record RouteGroup(BgpFamily Family, RouteAttributes Attributes, IReadOnlyList<IPNetwork> Prefixes);

/// <summary>What must be sent to bring the peer from what it has to what is desired.</summary>
/// <param name="Announce">What to announce, grouped by attributes.</param>
/// <param name="Withdraw">What to withdraw, per family.</param>
/// <param name="Started">The announced prefixes the peer did not hold from us before (the rest only change attributes).</param>
internal sealed record RibChanges(IReadOnlyList<RouteGroup> Announce, IReadOnlyDictionary<BgpFamily, IReadOnlyList<IPNetwork>> Withdraw, IReadOnlyList<IPNetwork>? Started = null)
{
    public bool IsEmpty => Announce.Count == 0 && Withdraw.Count == 0;
}

/// <summary>
/// The per-peer Adj-RIB-Out (RFC 4271 §3.2): what we want the peer to hold and what we have told it.
/// The difference between the two is the next batch of UPDATEs.
/// </summary>
internal sealed class AdjRibOut
{
    private readonly Dictionary<IPNetwork, RouteAttributes> _desired = [];
    private readonly Dictionary<IPNetwork, RouteAttributes> _advertised = [];

    public int DesiredCount => _desired.Count;

    public int AdvertisedCount => _advertised.Count;

    public IReadOnlyDictionary<IPNetwork, RouteAttributes> Advertised => _advertised;

    /// <summary>Replaces the desired routes: one per prefix, as <see cref="AnnouncementMerge"/> folds them; a prefix listed twice keeps its last attributes.</summary>
    public void SetDesired(IEnumerable<Announcement> announcements)
    {
        _desired.Clear();
        foreach (var announcement in announcements)
        {
            _desired[announcement.Prefix] = announcement.Attributes;
        }
    }

    /// <summary>The session went down: the peer holds nothing from us any more.</summary>
    public void ForgetAdvertised() => _advertised.Clear();

    /// <summary>Computes the changes for the negotiated families and records them as advertised.</summary>
    public RibChanges TakeChanges(IReadOnlySet<BgpFamily> families)
    {
        var groups = new Dictionary<(BgpFamily, RouteAttributes), List<IPNetwork>>();
        var started = new List<IPNetwork>();
        foreach (var (prefix, attributes) in _desired)
        {
            var family = BgpFamily.Of(prefix);
            if (!families.Contains(family) || (_advertised.TryGetValue(prefix, out var sent) && sent.Equals(attributes)))
            {
                continue;
            }

            if (!groups.TryGetValue((family, attributes), out var list))
            {
                groups[(family, attributes)] = list = [];
            }

            list.Add(prefix);
            if (!_advertised.TryAdd(prefix, attributes))
            {
                _advertised[prefix] = attributes;
            }
            else
            {
                started.Add(prefix);
            }
        }

        var withdraw = new Dictionary<BgpFamily, List<IPNetwork>>();
        foreach (var prefix in _advertised.Keys.Where(p => !_desired.ContainsKey(p)).ToList())
        {
            var family = BgpFamily.Of(prefix);
            if (!withdraw.TryGetValue(family, out var list))
            {
                withdraw[family] = list = [];
            }

            list.Add(prefix);
            _advertised.Remove(prefix);
        }

        return new RibChanges(
            groups.Select(g => new RouteGroup(g.Key.Item1, g.Key.Item2, g.Value)).ToList(),
            withdraw.ToDictionary(w => w.Key, w => (IReadOnlyList<IPNetwork>)w.Value),
            started);
    }

    /// <summary>Everything advertised in one family, for a ROUTE-REFRESH (RFC 2918 §4).</summary>
    public IReadOnlyList<RouteGroup> Snapshot(BgpFamily family) =>
        _advertised.Where(kv => BgpFamily.Of(kv.Key) == family)
            .GroupBy(kv => kv.Value)
            .Select(g => new RouteGroup(family, g.Key, g.Select(kv => kv.Key).ToList()))
            .ToList();

    /// <summary>Withdraws everything: the desired set becomes empty (used before a clean shutdown).</summary>
    public void Clear() => _desired.Clear();
}
