using IronLb.Core.Contracts;
using IronLb.Core.SharedConfiguration;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Bgp.Announcements;

/// <summary>The bgp node report: every Service this node announces, with the BGPPeers it is advertised to from here.</summary>
/// <remarks>
/// MetalLB's ServiceBGPStatus lists the peers a Service "is configured to be advertised to", not the sessions that are
/// up: so here, the peers of this node (the configuration's BGPPeers that select it) that an advertisement names, or all
/// of them when it names none. A Service with no such peer is not reported, as MetalLB keeps no status for it.
/// </remarks>
internal sealed class BgpReport(BgpStatus status, CurrentConfiguration configuration, IOptions<NodeOptions> node) : INodeReportSource
{
    public string Agent => "bgp";

    public IReadOnlyList<ServiceAnnouncementReport> Services()
    {
        var announcements = status.Announcements;
        if (announcements.Count == 0 || configuration.Document is not { } document)
        {
            return [];
        }

        var peers = NodePeers.For(node.Value.Name, document.Configuration, out _).Select(p => p.Name).ToList();
        return Describe(announcements, peers);
    }

    /// <summary>One entry per Service behind <paramref name="announcements"/>, given the names of this node's peers.</summary>
    public static IReadOnlyList<ServiceAnnouncementReport> Describe(IReadOnlyList<PrefixAnnouncement> announcements, IReadOnlyList<string> nodePeers)
    {
        ArgumentNullException.ThrowIfNull(announcements);
        return [.. announcements
            .SelectMany(a => a.Services.Select(s => (Service: s, Announcement: a)))
            .GroupBy(e => e.Service, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var slash = g.Key.IndexOf('/', StringComparison.Ordinal);
                var peers = g.SelectMany(e => e.Announcement.Peers.Count == 0 ? nodePeers : nodePeers.Intersect(e.Announcement.Peers, StringComparer.Ordinal))
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                return new ServiceAnnouncementReport(
                    g.Key[..Math.Max(slash, 0)],
                    g.Key[(slash + 1)..],
                    [.. g.Select(e => e.Announcement.Prefix).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                    [],
                    peers);
            })
            .Where(r => r.Peers.Count > 0)];
    }
}
