using System.Text.Json.Nodes;
using IronLb.Core.Contracts;
using IronLb.Core.State;
using IronLb.Ipam.Kubernetes;
using Microsoft.Extensions.DependencyInjection;
using static IronLb.Ipam.Tests.Kubernetes.KubernetesIpamHost;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>
/// MetalLB's status objects and speaker Events end to end: node reports written to the state store as the agents write
/// them (<see cref="NodeReportWriter"/>), ipam in Kubernetes mode against the test API server turning them into
/// ServiceL2Status, ServiceBGPStatus, nodeAssigned and announceFailed; and the ConfigurationState "controller".
/// </summary>
public sealed class AnnouncementStatusTests
{
    private static readonly Dictionary<string, string?> FastStatus = new() { ["Ipam:Kubernetes:StatusInterval"] = "00:00:00.100" };
    private static readonly ReportingPod Layer2PodA = new("ironlb-layer2-aaaaa", "3f1c1d70-0000-4000-8000-00000000000a");
    private static readonly ReportingPod BgpPodA = new("ironlb-bgp-aaaaa", "3f1c1d70-0000-4000-8000-00000000001a");
    private static readonly ReportingPod BgpPodB = new("ironlb-bgp-bbbbb", "3f1c1d70-0000-4000-8000-00000000001b");

    [Fact]
    public async Task Reports_Layer2AndBgpFromTwoNodes_StatusObjectsAndEventsAsMetalLbWritesThem()
    {
        await using var ipam = await StartAsync(FastStatus);
        var web = await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1);
        var address = Ingress(web)[0];
        var store = ipam.Host.Services.GetRequiredService<IStateStore>();

        await new NodeReportWriter(store).WriteAsync(new NodeReport("node-a", "layer2", Layer2PodA, [Entry("shop", "web", address, interfaces: ["eth0"])]), CancellationToken.None);
        await new NodeReportWriter(store).WriteAsync(new NodeReport("node-a", "bgp", BgpPodA, [Entry("shop", "web", address + "/32", peers: ["tor-v4"])]), CancellationToken.None);
        await new NodeReportWriter(store).WriteAsync(new NodeReport("node-b", "bgp", BgpPodB, [Entry("shop", "web", address + "/32", peers: ["tor-v4", "tor-v6"])]), CancellationToken.None);

        var l2 = await WaitAsync(() => ipam.Api.All("ServiceL2Status") is [{ } only] && only["status"]?["node"] is not null ? only : null, "the ServiceL2Status", () => Dump(ipam, "ServiceL2Status"));
        Assert.Equal("metallb-system", l2["metadata"]!["namespace"]!.GetValue<string>());
        Assert.StartsWith("l2-", l2["metadata"]!["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Labels("node-a", "shop", "web"), Labels(l2));
        Assert.Equal(Owner(Layer2PodA), l2["metadata"]!["ownerReferences"]!.ToJsonString());
        Assert.Equal("""{"node":"node-a","serviceName":"web","serviceNamespace":"shop","interfaces":[{"name":"eth0"}]}""", l2["status"]!.ToJsonString());

        var bgp = await WaitAsync(() => ipam.Api.All("ServiceBGPStatus") is { Count: 2 } all && all.All(o => o["status"]?["peers"] is not null) ? all : null, "two ServiceBGPStatus", () => Dump(ipam, "ServiceBGPStatus"));
        var fromB = Assert.Single(bgp, o => o["status"]!["node"]!.GetValue<string>() == "node-b");
        Assert.StartsWith("bgp-", fromB["metadata"]!["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Labels("node-b", "shop", "web"), Labels(fromB));
        Assert.Equal(Owner(BgpPodB), fromB["metadata"]!["ownerReferences"]!.ToJsonString());
        Assert.Equal("""{"node":"node-b","serviceName":"web","serviceNamespace":"shop","peers":["tor-v4","tor-v6"]}""", fromB["status"]!.ToJsonString());

        var assigned = await WaitAsync(() => NodeAssigned(ipam, "web") is { Count: 3 } e ? e : null, "three nodeAssigned events", () => string.Join('\n', ipam.Api.All("Event").Select(e => e.ToJsonString())));
        Assert.Equal(
            ["announcing from node \"node-a\" with protocol \"bgp\"", "announcing from node \"node-a\" with protocol \"layer2\"", "announcing from node \"node-b\" with protocol \"bgp\""],
            assigned.Select(e => e["message"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(assigned, e => Assert.Equal("Normal", e["type"]!.GetValue<string>()));
        Assert.All(assigned, e => Assert.Equal(web["metadata"]!["uid"]!.GetValue<string>(), e["involvedObject"]!["uid"]!.GetValue<string>()));

        // More passes over unchanged reports write nothing and record nothing.
        var writer = ipam.Host.Services.GetRequiredService<AnnouncementStatusWriter>();
        var versions = StatusVersions(ipam);
        await writer.WriteOnceAsync(CancellationToken.None);
        await writer.WriteOnceAsync(CancellationToken.None);
        Assert.Equal(versions, StatusVersions(ipam));
        Assert.Equal(3, NodeAssigned(ipam, "web").Count);
    }

    [Fact]
    public async Task Report_OwnerMovesToAnotherNode_OldObjectDeletedNewOneWritten()
    {
        await using var ipam = await StartAsync(FastStatus);
        var address = Ingress(await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1))[0];
        var store = ipam.Host.Services.GetRequiredService<IStateStore>();
        var nodeA = new NodeReportWriter(store);
        await nodeA.WriteAsync(new NodeReport("node-a", "layer2", Layer2PodA, [Entry("shop", "web", address)]), CancellationToken.None);
        var first = await WaitAsync(() => ipam.Api.All("ServiceL2Status") is [{ } only] && only["status"] is JsonObject ? only : null, "node-a's ServiceL2Status");
        Assert.Equal("""{"node":"node-a","serviceName":"web","serviceNamespace":"shop"}""", first["status"]!.ToJsonString());

        await nodeA.WriteAsync(new NodeReport("node-a", "layer2", Layer2PodA, []), CancellationToken.None);
        await new NodeReportWriter(store).WriteAsync(new NodeReport("node-b", "layer2", null, [Entry("shop", "web", address)]), CancellationToken.None);

        var moved = await WaitAsync(() => ipam.Api.All("ServiceL2Status") is [{ } only] && only["status"]?["node"]?.GetValue<string>() == "node-b" ? only : null, "node-b's ServiceL2Status", () => Dump(ipam, "ServiceL2Status"));
        Assert.NotEqual(first["metadata"]!["name"]!.GetValue<string>(), moved["metadata"]!["name"]!.GetValue<string>());
        Assert.Null(moved["metadata"]!["ownerReferences"]);
        await WaitAsync(() => NodeAssigned(ipam, "web").FirstOrDefault(e => e["message"]!.GetValue<string>().Contains("node-b", StringComparison.Ordinal)), "node-b's nodeAssigned");
    }

    [Fact]
    public async Task Report_InterfacesMissingOnTheNode_OneAnnounceFailedWarning()
    {
        await using var ipam = await StartAsync(FastStatus);
        var address = Ingress(await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1))[0];
        var failure = $"the interfaces specified by LB IP \"{address}\" doesn't exist in assigned node \"node-a\" with protocol \"layer2\"";
        var store = ipam.Host.Services.GetRequiredService<IStateStore>();
        await new NodeReportWriter(store).WriteAsync(new NodeReport("node-a", "layer2", null, [Entry("shop", "web", address, interfaces: ["bond7"], failure: failure)]), CancellationToken.None);

        var failed = await WaitAsync(() => ipam.Api.All("Event").FirstOrDefault(e => e["reason"]!.GetValue<string>() == "announceFailed"), "an announceFailed event");
        Assert.Equal("Warning", failed["type"]!.GetValue<string>());
        Assert.Equal(failure, failed["message"]!.GetValue<string>());
        Assert.Equal("web", failed["involvedObject"]!["name"]!.GetValue<string>());

        var writer = ipam.Host.Services.GetRequiredService<AnnouncementStatusWriter>();
        await writer.WriteOnceAsync(CancellationToken.None);
        Assert.Single(ipam.Api.All("Event"), e => e["reason"]!.GetValue<string>() == "announceFailed");
    }

    [Fact]
    public async Task Report_ServiceDeleted_ItsObjectsDeleted()
    {
        await using var ipam = await StartAsync(FastStatus);
        var address = Ingress(await ipam.WaitForServiceAsync("shop", "web", s => Ingress(s).Length == 1))[0];
        var store = ipam.Host.Services.GetRequiredService<IStateStore>();
        await new NodeReportWriter(store).WriteAsync(new NodeReport("node-a", "bgp", BgpPodA, [Entry("shop", "web", address + "/32", peers: ["tor-v4"])]), CancellationToken.None);
        await WaitAsync(() => ipam.Api.All("ServiceBGPStatus") is [_] all ? all : null, "the ServiceBGPStatus");

        // The agent's report still names the Service (it lags behind), but the Service is gone.
        Assert.True(ipam.Api.Delete("Service", "shop", "web"));

        await WaitAsync(() => ipam.Api.All("ServiceBGPStatus") is [] ? ipam : null, "no ServiceBGPStatus", () => Dump(ipam, "ServiceBGPStatus"));
    }

    [Fact]
    public async Task Configuration_InvalidThenFixed_ConfigurationStateSaysSo()
    {
        await using var ipam = await StartAsync(FastStatus);
        var valid = await WaitAsync(() => ipam.Api.Get("ConfigurationState", "metallb-system", "controller") is { } s && s["status"] is JsonObject ? s : null, "ConfigurationState controller");
        Assert.Equal("""{"result":"Valid"}""", valid["status"]!.ToJsonString());
        Assert.Equal("controller", valid["metadata"]!["labels"]!["metallb.io/component-type"]!.GetValue<string>());

        ipam.Api.Apply(new JsonObject
        {
            ["apiVersion"] = "metallb.io/v1beta1",
            ["kind"] = "IPAddressPool",
            ["metadata"] = new JsonObject { ["name"] = "clash", ["namespace"] = "metallb-system" },
            ["spec"] = new JsonObject { ["addresses"] = new JsonArray("203.0.113.0/28") },
        });

        var invalid = await WaitAsync(() => ipam.Api.Get("ConfigurationState", "metallb-system", "controller") is { } s && s["status"]?["result"]?.GetValue<string>() == "Invalid" ? s : null, "an Invalid ConfigurationState");
        Assert.Contains("clash", invalid["status"]!["errorSummary"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.True(ipam.Api.Delete("IPAddressPool", "metallb-system", "clash"));
        var fixedState = await WaitAsync(() => ipam.Api.Get("ConfigurationState", "metallb-system", "controller") is { } s && s["status"]?["result"]?.GetValue<string>() == "Valid" ? s : null, "a Valid ConfigurationState again");
        Assert.Equal("""{"result":"Valid"}""", fixedState["status"]!.ToJsonString());
    }

    private static ServiceAnnouncementReport Entry(string ns, string name, string address, string[]? interfaces = null, string[]? peers = null, string? failure = null) =>
        new(ns, name, [address], interfaces ?? [], peers ?? [], failure);

    private static string Labels(string node, string ns, string name) =>
        new JsonObject { ["metallb.io/node"] = node, ["metallb.io/service-name"] = name, ["metallb.io/service-namespace"] = ns }.ToJsonString();

    private static string Labels(JsonObject item) => item["metadata"]!["labels"]!.ToJsonString();

    private static string Owner(ReportingPod pod) =>
        new JsonArray(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["name"] = pod.Name, ["uid"] = pod.Uid }).ToJsonString();

    private static List<JsonObject> NodeAssigned(KubernetesIpamHost ipam, string service) =>
        [.. ipam.Api.All("Event").Where(e => e["reason"]!.GetValue<string>() == "nodeAssigned" && e["involvedObject"]!["name"]!.GetValue<string>() == service)];

    private static Dictionary<string, string> StatusVersions(KubernetesIpamHost ipam) =>
        ipam.Api.All("ServiceL2Status").Concat(ipam.Api.All("ServiceBGPStatus")).Concat(ipam.Api.All("ConfigurationState"))
            .ToDictionary(o => o["metadata"]!["name"]!.GetValue<string>(), o => o["metadata"]!["resourceVersion"]!.GetValue<string>());

    private static string Dump(KubernetesIpamHost ipam, string kind) => string.Join('\n', ipam.Api.All(kind).Select(o => o.ToJsonString()));
}
