using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IronLb.Core.Contracts;

namespace IronLb.Ipam.Kubernetes;

/// <summary>One ServiceL2Status or ServiceBGPStatus object as it should be: MetalLB's labels, owner and status.</summary>
/// <param name="Resource">Which of the two kinds.</param>
/// <param name="Name">Its name in the MetalLB namespace.</param>
/// <param name="Node">The announcing node (label metallb.io/node, status.node).</param>
/// <param name="ServiceNamespace">The Service's namespace.</param>
/// <param name="ServiceName">The Service's name.</param>
/// <param name="Owner">The node agent's pod, its ownerReference; null when the agent runs outside Kubernetes.</param>
/// <param name="Status">The status subresource's content.</param>
internal sealed record AnnouncementStatusObject(
    WatchedResource Resource, string Name, string Node, string ServiceNamespace, string ServiceName, ReportingPod? Owner, JsonObject Status)
{
    public const string NodeLabel = "metallb.io/node";
    public const string ServiceNameLabel = "metallb.io/service-name";
    public const string ServiceNamespaceLabel = "metallb.io/service-namespace";

    /// <summary>The labels MetalLB's speaker puts on these objects (internal/k8s/controllers), by which users select them.</summary>
    public JsonObject Labels() => new()
    {
        [NodeLabel] = Node,
        [ServiceNameLabel] = ServiceName,
        [ServiceNamespaceLabel] = ServiceNamespace,
    };

    /// <summary>metadata.ownerReferences: the agent's pod, as MetalLB's speaker makes its own pod the owner, so the
    /// objects of a node go away with its agent.</summary>
    public JsonArray OwnerReferences() => Owner is { } pod
        ? [new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["name"] = pod.Name, ["uid"] = pod.Uid }]
        : [];
}

/// <summary>A Service event a node report is worth: MetalLB's speaker records nodeAssigned and announceFailed.</summary>
/// <param name="ServiceNamespace">The Service's namespace.</param>
/// <param name="ServiceName">The Service's name.</param>
/// <param name="Event">Type, reason and message.</param>
internal sealed record AnnouncementEvent(string ServiceNamespace, string ServiceName, ServiceEvent Event);

/// <summary>From the node agents' reports to MetalLB's status objects and Events. Pure.</summary>
/// <remarks>
/// MetalLB's speaker writes a ServiceL2Status for each Service its node answers for (status: node, serviceName,
/// serviceNamespace, and the interfaces when the L2Advertisement names some) and a ServiceBGPStatus for each Service its
/// node advertises (status: the same, and the peers it is configured to be advertised to). Here ipam writes them for
/// every node, from the reports. Names are a hash of Service and node rather than MetalLB's generated ones, so two ipam
/// replicas write the same object instead of two; users find them by MetalLB's labels, as with MetalLB.
/// </remarks>
internal static class AnnouncementStatusPlan
{
    public const string NodeAssigned = "nodeAssigned";
    public const string AnnounceFailed = "announceFailed";

    public static readonly WatchedResource Layer2Statuses = new("metallb.io", "v1beta1", "servicel2statuses", "ServiceL2Status", true);
    public static readonly WatchedResource BgpStatuses = new("metallb.io", "v1beta1", "servicebgpstatuses", "ServiceBGPStatus", true);

    /// <summary>
    /// The objects <paramref name="reports"/> call for. Entries for Services not in <paramref name="services"/>
    /// ("namespace/name" of the Services that exist) are left out: a report can lag behind a deleted Service.
    /// </summary>
    public static IReadOnlyList<AnnouncementStatusObject> Desired(IEnumerable<NodeReport> reports, IReadOnlySet<string> services)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var objects = new List<AnnouncementStatusObject>();
        foreach (var report in reports)
        {
            var layer2 = report.Agent == "layer2";
            var resource = layer2 ? Layer2Statuses : BgpStatuses;
            foreach (var entry in report.Services.Where(s => services.Contains(s.Namespace + "/" + s.Name)))
            {
                var status = new JsonObject
                {
                    ["node"] = report.Node,
                    ["serviceName"] = entry.Name,
                    ["serviceNamespace"] = entry.Namespace,
                };
                if (layer2 && entry.Interfaces.Count > 0)
                {
                    status["interfaces"] = new JsonArray([.. entry.Interfaces.Select(i => (JsonNode)new JsonObject { ["name"] = i })]);
                }
                else if (!layer2)
                {
                    status["peers"] = new JsonArray([.. entry.Peers.Select(p => (JsonNode)p)]);
                }

                objects.Add(new AnnouncementStatusObject(
                    resource, NameFor(layer2 ? "l2-" : "bgp-", entry.Namespace, entry.Name, report.Node), report.Node, entry.Namespace, entry.Name, report.Pod, status));
            }
        }

        return [.. objects.OrderBy(o => o.Resource.Plural, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The Events that are news since <paramref name="known"/> (what the last pass saw): nodeAssigned for a Service a
    /// node starts announcing, announceFailed for a failure a node reports anew. MetalLB's wording and types.
    /// </summary>
    public static IReadOnlyList<AnnouncementEvent> News(IEnumerable<NodeReport> reports, IReadOnlySet<string> services, IReadOnlySet<string> known)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var news = new List<AnnouncementEvent>();
        foreach (var (report, entry) in Entries(reports, services))
        {
            if (!known.Contains(Key(report, entry)))
            {
                news.Add(new AnnouncementEvent(entry.Namespace, entry.Name, new ServiceEvent(
                    "Normal", NodeAssigned, $"announcing from node \"{report.Node}\" with protocol \"{report.Agent}\"")));
            }

            if (entry.Failure is { } failure && !known.Contains(FailureKey(report, entry)))
            {
                news.Add(new AnnouncementEvent(entry.Namespace, entry.Name, new ServiceEvent("Warning", AnnounceFailed, failure)));
            }
        }

        return news;
    }

    /// <summary>What a pass saw, for the next pass's <see cref="News"/>.</summary>
    public static IReadOnlySet<string> Seen(IEnumerable<NodeReport> reports, IReadOnlySet<string> services) =>
        Entries(reports, services)
            .SelectMany(e => e.Entry.Failure is null ? [Key(e.Report, e.Entry)] : new[] { Key(e.Report, e.Entry), FailureKey(e.Report, e.Entry) })
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>What already-written objects say was announced before this process started: no second nodeAssigned for them.</summary>
    public static IEnumerable<string> SeenIn(string agent, IEnumerable<JsonObject> statusObjects) =>
        statusObjects
            .Select(o => $"{agent}|{ObjectJson.String(o, "status", "node")}|{ObjectJson.String(o, "status", "serviceNamespace")}/{ObjectJson.String(o, "status", "serviceName")}");

    /// <summary>"l2-" or "bgp-" and 16 hex digits of SHA-256 over namespace, name and node: stable and unique enough.</summary>
    public static string NameFor(string prefix, string ns, string name, string node)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ns + "/" + name + "|" + node));
        return prefix + Convert.ToHexStringLower(hash)[..16];
    }

    private static IEnumerable<(NodeReport Report, ServiceAnnouncementReport Entry)> Entries(IEnumerable<NodeReport> reports, IReadOnlySet<string> services) =>
        reports.SelectMany(r => r.Services.Where(s => services.Contains(s.Namespace + "/" + s.Name)).Select(s => (r, s)));

    private static string Key(NodeReport report, ServiceAnnouncementReport entry) => $"{report.Agent}|{report.Node}|{entry.Namespace}/{entry.Name}";

    private static string FailureKey(NodeReport report, ServiceAnnouncementReport entry) => Key(report, entry) + "|" + entry.Failure;
}
