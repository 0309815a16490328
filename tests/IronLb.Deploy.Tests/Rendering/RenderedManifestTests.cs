using System.Text.Json;
using System.Text.Json.Nodes;
using IronLb.Testing;
using k8s.Models;

namespace IronLb.Deploy.Tests.Rendering;

/// <summary>Every overlay of deploy/ renders offline, and every object in it is a valid object of a kind Kubernetes 1.30+ serves.</summary>
public sealed class RenderedManifestTests
{
    public static TheoryData<string> Overlays => [.. Kustomize.Overlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Render_EveryObject_DeserialisesStrictlyIntoItsModel(string overlay)
    {
        var objects = RenderedObjects.Of(overlay);

        Assert.NotEmpty(objects);
        foreach (var item in objects)
        {
            var apiVersion = item["apiVersion"]!.GetValue<string>();
            var kind = RenderedObjects.Kind(item);
            Assert.True(TypedModels.ServedSince130.Contains(apiVersion), $"{kind}/{RenderedObjects.Name(item)}: {apiVersion} is not on the list of versions Kubernetes 1.30+ serves");
            var type = TypedModels.TypeOf(apiVersion, kind);
            Assert.True(type is not null, $"{apiVersion} {kind} has no KubernetesClient model");
            var typed = TypedModels.Deserialize(item.ToJsonString(), type!);
            Assert.Equal(RenderedObjects.Name(item), ((IMetadata<V1ObjectMeta>)typed).Metadata.Name);
        }
    }

    [Fact]
    public void Deserialize_UnknownField_Rejected()
    {
        // The strictness the test above relies on: a misspelt field fails, as `kubectl apply --validate=strict` would.
        var deployment = RenderedObjects.Of("deploy/overlays/quickstart").First(o => RenderedObjects.Kind(o) == "Deployment");
        ((JsonObject)deployment["spec"]!["template"]!["spec"]!)["hostNetwrok"] = true;

        Assert.ThrowsAny<JsonException>(() => TypedModels.Deserialize(deployment.ToJsonString(), typeof(V1Deployment)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Render_EveryContainer_LeastPrivilege(string overlay)
    {
        foreach (var (workload, pod) in Workloads(overlay))
        {
            Assert.Equal("RuntimeDefault", pod["securityContext"]?["seccompProfile"]?["type"]?.GetValue<string>());
            Assert.False(pod["automountServiceAccountToken"]?.GetValue<bool>() ?? true, $"{workload}: the pod must not automount a token");
            foreach (var container in pod["containers"]!.AsArray().OfType<JsonObject>())
            {
                var name = workload + "/" + container["name"]!.GetValue<string>();
                var context = container["securityContext"] as JsonObject ?? [];
                Assert.True(context["allowPrivilegeEscalation"]?.GetValue<bool>() == false, $"{name}: allowPrivilegeEscalation");
                Assert.True(context["readOnlyRootFilesystem"]?.GetValue<bool>() == true, $"{name}: readOnlyRootFilesystem");
                Assert.Equal(["ALL"], Strings(context["capabilities"]?["drop"]));
                Assert.Equal(ExpectedCapabilities(name), Strings(context["capabilities"]?["add"]));
                // The container's setting, else the pod's, as the kubelet resolves it.
                var nonRoot = context["runAsNonRoot"]?.GetValue<bool>() ?? pod["securityContext"]?["runAsNonRoot"]?.GetValue<bool>() ?? false;
                Assert.True(nonRoot == (ExpectedCapabilities(name).Length == 0), $"{name}: runAsNonRoot wherever no capability is needed");
                foreach (var kind in new[] { "requests", "limits" })
                {
                    Assert.True(container["resources"]?[kind]?["cpu"] is not null && container["resources"]?[kind]?["memory"] is not null, $"{name}: resources.{kind}");
                }

                Assert.True(container["startupProbe"] is not null, $"{name}: startupProbe");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Render_EveryWorkload_ServiceAccountOfItsOwn(string overlay)
    {
        var accounts = Workloads(overlay).Select(w => w.Pod["serviceAccountName"]?.GetValue<string>()).ToList();

        Assert.DoesNotContain(null, accounts);
        Assert.Equal(accounts.Count, accounts.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Render_ReplicatedDeployments_HavePdbAndAntiAffinity(string overlay)
    {
        var objects = RenderedObjects.Of(overlay);
        foreach (var deployment in objects.Where(o => RenderedObjects.Kind(o) == "Deployment" && (o["spec"]!["replicas"]?.GetValue<long>() ?? 1) > 1))
        {
            var labels = deployment["spec"]!["selector"]!["matchLabels"]!;
            Assert.Contains(objects, o => RenderedObjects.Kind(o) == "PodDisruptionBudget" && JsonNode.DeepEquals(o["spec"]!["selector"]!["matchLabels"], labels));
            var term = deployment["spec"]!["template"]!["spec"]!["affinity"]?["podAntiAffinity"]?["preferredDuringSchedulingIgnoredDuringExecution"]?[0]?["podAffinityTerm"];
            Assert.Equal("kubernetes.io/hostname", term?["topologyKey"]?.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(term?["labelSelector"]?["matchLabels"], labels));
        }

        foreach (var daemonSet in objects.Where(o => RenderedObjects.Kind(o) == "DaemonSet"))
        {
            var tolerations = daemonSet["spec"]!["template"]!["spec"]!["tolerations"]!.AsArray();
            Assert.Contains(tolerations, t => t!["key"]!.GetValue<string>() == "node-role.kubernetes.io/control-plane" && t["operator"]!.GetValue<string>() == "Exists");
        }
    }

    /// <summary>The capabilities each container may add: layer2 answers ARP/NDP on raw sockets; bgp binds port 179 and sends BFD echo on a packet socket.</summary>
    private static string[] ExpectedCapabilities(string container) => container switch
    {
        "ironlb-layer2/layer2" => ["NET_RAW"],
        "ironlb-bgp/bgp" => ["NET_BIND_SERVICE", "NET_RAW"],
        _ => [],
    };

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Render_NodeAgents_OneConsumerGroupPerAgentAndNode(string overlay)
    {
        // daprd expands {podName} from POD_NAME: the node's name there makes a replaced pod reuse its predecessor's group,
        // so stopped agents leave no groups behind; {appID} keeps bgp and layer2 apart on one node.
        var objects = RenderedObjects.Of(overlay);
        var resources = objects.Single(o => RenderedObjects.Kind(o) == "ConfigMap" && RenderedObjects.Name(o) == "ironlb-dapr-resources");
        var component = YamlJson.Documents(resources["data"]!["pubsub-node.yaml"]!.GetValue<string>()).OfType<JsonObject>().Single();
        var consumerId = component["spec"]!["metadata"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == "consumerID")!["value"]!.GetValue<string>();
        Assert.Equal("{appID}-{podName}", consumerId);

        var agents = objects.Where(o => RenderedObjects.Kind(o) == "DaemonSet").ToList();
        Assert.NotEmpty(agents);
        foreach (var agent in agents)
        {
            var name = RenderedObjects.Name(agent);
            Assert.Null(agent["spec"]!["updateStrategy"]?["rollingUpdate"]?["maxSurge"]);
            var sidecar = agent["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "daprd")!;
            var podName = sidecar["env"]!.AsArray().Single(e => e!["name"]!.GetValue<string>() == "POD_NAME")!;
            Assert.True(podName["valueFrom"]?["fieldRef"]?["fieldPath"]?.GetValue<string>() == "spec.nodeName", $"{name}: daprd's POD_NAME must be the node's name");
        }
    }

    internal static IEnumerable<(string Workload, JsonObject Pod)> Workloads(string overlay) =>
        RenderedObjects.Of(overlay)
            .Where(o => RenderedObjects.Kind(o) is "Deployment" or "DaemonSet")
            .Select(o => (RenderedObjects.Name(o), (JsonObject)o["spec"]!["template"]!["spec"]!));

    private static string[] Strings(JsonNode? array) => [.. (array as JsonArray ?? []).Select(n => n!.GetValue<string>())];
}
