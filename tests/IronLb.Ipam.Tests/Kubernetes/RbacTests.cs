using System.Text.Json.Nodes;
using IronLb.Core.Contracts;
using IronLb.Core.State;
using IronLb.Testing;
using Microsoft.Extensions.DependencyInjection;
using static IronLb.Ipam.Tests.Kubernetes.KubernetesIpamHost;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>deploy/'s RBAC for ipam grants exactly what ipam asks of the API: nothing it uses is missing, nothing granted goes unused.</summary>
public sealed class RbacTests
{
    private const string Account = "ironlb-ipam";
    private const string AccountNamespace = "ironlb-system";

    [Fact]
    public async Task Requests_IpamDoingAllItsWrites_EqualTheRenderedGrants()
    {
        var requests = await RecordAsync();
        var grants = Grants(ManifestJson.ReadText(Kustomize.Render("deploy/base")));

        Assert.Empty(Differences(requests, grants));
    }

    [Fact]
    public void Differences_ExtraVerbOrMissingRule_Reported()
    {
        // The comparison can fail both ways. One request per rendered grant: no difference.
        var objects = ManifestJson.ReadText(Kustomize.Render("deploy/base")).ToList();
        var requests = Grants(objects).Select(g => new ApiRequest(g.Verb, g.Group, g.Resource, g.Namespace ?? "shop")).ToList();
        // Cluster-wide grants are used in more than one namespace.
        requests.AddRange(Grants(objects).Where(g => g.Namespace is null).Select(g => new ApiRequest(g.Verb, g.Group, g.Resource, "infra")));
        Assert.Empty(Differences(requests, Grants(objects)));

        var clusterRole = objects.Single(o => Kind(o) == "ClusterRole" && o["metadata"]!["name"]!.GetValue<string>() == Account);
        var rules = clusterRole["rules"]!.AsArray();
        rules[0]!["verbs"]!.AsArray().Add("get");
        rules.RemoveAt(rules.Count - 1);

        var differences = Differences(requests, Grants(objects));
        Assert.Contains(differences, d => d.StartsWith("unused: ClusterRole/ironlb-ipam: get", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("refused: ", StringComparison.Ordinal));
    }

    /// <summary>What differs: requests no grant allows (a cluster would answer 403), grants no request used, and cluster-wide
    /// grants whose requests all stay in one namespace (a Role there would do).</summary>
    private static List<string> Differences(IReadOnlyList<ApiRequest> requests, List<Grant> grants)
    {
        var refused = requests.Where(r => !grants.Any(g => g.Allows(r))).Select(r => "refused: " + r).Distinct();
        var unused = grants.Where(g => !requests.Any(g.Allows)).Select(g => "unused: " + g);
        var tooWide = grants.Where(g => g.Namespace is null && requests.Where(g.Allows).ToList() is { Count: > 0 } used
            && used.All(r => r.Namespace is not null) && used.Select(r => r.Namespace).Distinct().Count() == 1).Select(g => "one namespace only: " + g);
        return [.. refused.Concat(unused).Concat(tooWide).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// ipam against the fake API server with examples/: lists and watches everything, writes statuses, annotations, pool
    /// counters, the ConfigurationState and Events; turns node reports into status objects, moves them to a new agent pod
    /// and deletes them; then an allocation fails.
    /// </summary>
    private static async Task<IReadOnlyList<ApiRequest>> RecordAsync()
    {
        await using var ipam = await StartAsync(new Dictionary<string, string?> { ["Ipam:Kubernetes:StatusInterval"] = "00:00:00.100" });
        await WaitAsync(() => ipam.Api.All("Event").Count > 0 ? ipam : null, "an IPAllocated event");
        await WaitAsync(() => ipam.Api.All("IPAddressPool").Any(p => p["status"] is JsonObject s && s.ContainsKey("availableIPv4")) ? ipam : null, "an IPAddressPool status");
        var address = Ingress(await ipam.WaitForServiceAsync("shop", "web", s => Pool(s) is not null && Ingress(s).Length == 1))[0];
        await WaitAsync(() => ipam.Api.Get("ConfigurationState", "metallb-system", "controller")?["status"], "the ConfigurationState");
        await ReportAndWithdrawAsync(ipam, address);

        // Narrow the pool so a Service loses its address: status cleared, annotation removed, an AllocationFailed event.
        var pool = ipam.Api.Get("IPAddressPool", "metallb-system", "public-v4")!;
        pool["spec"]!["addresses"] = new JsonArray("203.0.113.64/27");
        ipam.Api.Apply(pool);
        await WaitAsync(() => ipam.Api.All("Event").FirstOrDefault(e => e["reason"]!.GetValue<string>() == "AllocationFailed"), "an AllocationFailed event");
        return ipam.Api.Requests;
    }

    /// <summary>Node reports as the agents write them: status objects created, moved to a replaced agent pod, then deleted.</summary>
    private static async Task ReportAndWithdrawAsync(KubernetesIpamHost ipam, string address)
    {
        var store = ipam.Host.Services.GetRequiredService<IStateStore>();
        var layer2 = new NodeReportWriter(store);
        var bgp = new NodeReportWriter(store);
        foreach (var pod in new[] { "1", "2" })
        {
            await layer2.WriteAsync(new NodeReport("node-a", "layer2", new ReportingPod("ironlb-layer2-" + pod, "uid-l2-" + pod), [new("shop", "web", [address], [], [])]), CancellationToken.None);
            await bgp.WriteAsync(new NodeReport("node-a", "bgp", new ReportingPod("ironlb-bgp-" + pod, "uid-bgp-" + pod), [new("shop", "web", [address + "/32"], [], ["tor-v4"])]), CancellationToken.None);
            await WaitAsync(
                () => ipam.Api.All("ServiceL2Status").Concat(ipam.Api.All("ServiceBGPStatus")).Count(o => o["status"] is JsonObject
                    && o["metadata"]?["ownerReferences"]?[0]?["uid"]?.GetValue<string>()?.EndsWith("-" + pod, StringComparison.Ordinal) == true) == 2 ? ipam : null,
                "status objects owned by agent pods " + pod);
        }

        await layer2.WriteAsync(new NodeReport("node-a", "layer2", null, []), CancellationToken.None);
        await bgp.WriteAsync(new NodeReport("node-a", "bgp", null, []), CancellationToken.None);
        await WaitAsync(() => ipam.Api.All("ServiceL2Status").Count + ipam.Api.All("ServiceBGPStatus").Count == 0 ? ipam : null, "the status objects deleted");
    }

    /// <summary>Every (rule, verb, resource) the rendered objects grant to ipam's ServiceAccount, with the namespace a Role confines it to.</summary>
    private static List<Grant> Grants(IEnumerable<JsonObject> objects)
    {
        var all = objects.ToList();
        var grants = new List<Grant>();
        foreach (var binding in all.Where(o => Kind(o) is "ClusterRoleBinding" or "RoleBinding"))
        {
            var subjects = binding["subjects"] as JsonArray ?? [];
            if (!subjects.Any(s => s?["kind"]?.GetValue<string>() == "ServiceAccount" && s["name"]?.GetValue<string>() == Account && s["namespace"]?.GetValue<string>() == AccountNamespace))
            {
                continue;
            }

            var scope = Kind(binding) == "RoleBinding" ? binding["metadata"]!["namespace"]!.GetValue<string>() : null;
            var roleKind = binding["roleRef"]!["kind"]!.GetValue<string>();
            var roleName = binding["roleRef"]!["name"]!.GetValue<string>();
            var role = all.Single(o => Kind(o) == roleKind && o["metadata"]!["name"]!.GetValue<string>() == roleName
                && (roleKind == "ClusterRole" || o["metadata"]!["namespace"]!.GetValue<string>() == scope));
            foreach (var rule in (role["rules"] as JsonArray ?? []).OfType<JsonObject>())
            {
                grants.AddRange(
                    from g in Strings(rule["apiGroups"])
                    from r in Strings(rule["resources"])
                    from v in Strings(rule["verbs"])
                    select new Grant(roleKind + "/" + roleName, v, g, r, scope));
            }
        }

        return grants;
    }

    private static string Kind(JsonObject item) => item["kind"]!.GetValue<string>();

    private static IEnumerable<string> Strings(JsonNode? array) => (array as JsonArray ?? []).Select(n => n!.GetValue<string>());

    /// <summary>One verb on one resource, cluster-wide (Namespace null, a ClusterRole through a ClusterRoleBinding) or in one namespace.</summary>
    private sealed record Grant(string Role, string Verb, string Group, string Resource, string? Namespace)
    {
        public bool Allows(ApiRequest request) =>
            request.Verb == Verb && request.Group == Group && request.Resource == Resource
            && (Namespace is null || request.Namespace == Namespace);

        public override string ToString() => $"{Role}: {Verb} {Group}/{Resource} in {Namespace ?? "every namespace"}";
    }
}
