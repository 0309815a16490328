using System.Net;

namespace IronLb.Bgp.Rib;

/// <summary>
/// Folds the announcements bound for one peer into one route per prefix, as MetalLB's speaker does when two
/// BGPAdvertisements yield the same prefix: their communities and large communities are united, and their LOCAL_PREFs
/// must agree. Pure.
/// </summary>
internal static class AnnouncementMerge
{
    /// <summary>
    /// One announcement per prefix, in first-seen order; <paramref name="conflicts"/> lists the prefixes whose
    /// announcements disagree on LOCAL_PREF (or MED, or next hop), which cannot be folded into one UPDATE.
    /// </summary>
    public static IReadOnlyList<Announcement> Merge(IEnumerable<Announcement> announcements, out IReadOnlyList<IPNetwork> conflicts)
    {
        var merged = new Dictionary<IPNetwork, RouteAttributes>();
        var order = new List<IPNetwork>();
        var clashes = new List<IPNetwork>();
        foreach (var announcement in announcements)
        {
            if (!merged.TryGetValue(announcement.Prefix, out var existing))
            {
                merged.Add(announcement.Prefix, announcement.Attributes);
                order.Add(announcement.Prefix);
            }
            else if (RouteAttributes.TryMerge(existing, announcement.Attributes) is { } both)
            {
                merged[announcement.Prefix] = both;
            }
            else if (!clashes.Contains(announcement.Prefix))
            {
                clashes.Add(announcement.Prefix);
            }
        }

        conflicts = clashes;
        return [.. order.Select(p => new Announcement(p, merged[p]))];
    }
}
