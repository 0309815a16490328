using IronLb.Core.Contracts;
using IronLb.Layer2.Announcing;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Layer2.Ownership;

/// <summary>The layer2 node report: the Services whose addresses election gave this node, with the interfaces they name.</summary>
/// <remarks>
/// As MetalLB's speaker: a Service counts as announced from the node that owns its addresses; the interfaces are listed
/// only when the L2Advertisement names some (empty means every suitable interface). When it names interfaces and none
/// of them exists on this node, the report carries MetalLB's announceFailed message for that address. Without the
/// link layer (dry run) interfaces are not checked.
/// </remarks>
internal sealed class Layer2Report(Layer2Status status, IOptions<NodeOptions> node, ILinkLayer? links = null) : INodeReportSource
{
    public string Agent => "layer2";

    public IReadOnlyList<ServiceAnnouncementReport> Services()
    {
        var owned = status.Owned;
        if (owned.Count == 0)
        {
            return [];
        }

        var present = links?.GetInterfaces().Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        return Describe(owned, present, node.Value.Name);
    }

    /// <summary>One entry per Service the owned addresses serve. <paramref name="present"/> null: interfaces unknown.</summary>
    public static IReadOnlyList<ServiceAnnouncementReport> Describe(IReadOnlyList<AddressOwner> owned, IReadOnlySet<string>? present, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(owned);
        return [.. owned
            .SelectMany(o => o.Services.Select(s => (Service: s, Owner: o)))
            .GroupBy(e => e.Service, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var (ns, name) = Split(g.Key);
                var missing = g.Select(e => e.Owner)
                    .Where(o => present is not null && o.Interfaces.Count > 0 && !o.Interfaces.Any(present.Contains))
                    .Select(o => o.Address)
                    .Order(StringComparer.Ordinal)
                    .FirstOrDefault();

                // MetalLB's own wording (speaker/layer2_controller.go), so alerts that match it keep working.
                var failure = missing is null
                    ? null
                    : $"the interfaces specified by LB IP \"{missing}\" doesn't exist in assigned node \"{nodeName}\" with protocol \"layer2\"";
                return new ServiceAnnouncementReport(
                    ns,
                    name,
                    [.. g.Select(e => e.Owner.Address).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                    [.. g.SelectMany(e => e.Owner.Interfaces).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                    [],
                    failure);
            })];
    }

    private static (string Namespace, string Name) Split(string service)
    {
        var slash = service.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", service) : (service[..slash], service[(slash + 1)..]);
    }
}
