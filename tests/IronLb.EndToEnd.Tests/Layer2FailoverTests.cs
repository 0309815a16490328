using System.Diagnostics;
using IronLb.Testing;
using Xunit.Abstractions;

namespace IronLb.EndToEnd.Tests;

/// <summary>
/// Layer 2 failover with the services as separate processes, as in a cluster: ipam and election on a control host,
/// a layer2 service on each of two nodes, every one beside its own sidecar on one Redis, and a client on the LAN whose
/// kernel neighbour table shows which node answers for the Service's address.
/// </summary>
public sealed class Layer2FailoverTests(ITestOutputHelper output)
{
    private const string Vip = "203.0.113.16";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private const string Manifests = """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: lab, namespace: metallb-system}
        spec:
          addresses: [203.0.113.16/32]
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: lab, namespace: metallb-system}
        spec:
          ipAddressPools: [lab]
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: node-a, labels: {kubernetes.io/hostname: node-a}}
        status:
          addresses: [{type: InternalIP, address: 192.0.2.11}]
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: node-b, labels: {kubernetes.io/hostname: node-b}}
        status:
          addresses: [{type: InternalIP, address: 192.0.2.12}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          type: LoadBalancer
          selector: {app: web}
          ports: [{name: http, port: 80, protocol: TCP}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web}}
        addressType: IPv4
        endpoints:
          - addresses: [192.0.2.50]
            conditions: {ready: true}
            nodeName: node-a
          - addresses: [192.0.2.51]
            conditions: {ready: true}
            nodeName: node-b
        """;

    [NamespaceLabFact]
    public async Task OwnerStopsThenCrashes_PeerNeighbourEntryMovesToTheOtherNodeEachTime()
    {
        using var lab = new FailoverLab();
        using var manifests = new ManifestFolder(copyExamples: false);
        manifests.Write("lab.yaml", Manifests);
        await using var redis = await RedisServer.StartAsync(lab.Control, FailoverLab.ControlAddress);
        var resources = DaprComponents.CopyFor(redis);
        var apps = new List<DaprAppProcess>();
        var layer2 = new Dictionary<string, DaprAppProcess>();
        async Task StartLayer2Async(string node)
        {
            var app = await DaprAppProcess.StartAsync("layer2", "services/layer2", "IronLb.Layer2", redis, resources, new Dictionary<string, string>
            {
                ["Node__Name"] = node,
                ["Dapr__PubSubName"] = "pubsub-node",
            }, netns: node == "node-a" ? lab.NodeA : lab.NodeB, podName: "layer2-" + node);
            apps.Add(app);
            layer2[node] = app;
        }

        try
        {
            apps.Add(await DaprAppProcess.StartAsync("ipam", "services/ipam", "IronLb.Ipam", redis, resources, new Dictionary<string, string>
            {
                ["Ipam__ConfigDirectory"] = manifests.Path,
            }, netns: lab.Control));
            apps.Add(await DaprAppProcess.StartAsync("election", "services/election", "IronLb.Election", redis, resources, new Dictionary<string, string>(), netns: lab.Control));
            await StartLayer2Async("node-a");
            await StartLayer2Async("node-b");

            // The client asks who has the address (its kernel sends the ARP request) until some node answers.
            var first = await WaitForAsync(() =>
            {
                lab.PeerResolves(Vip);
                return lab.PeerNeighbourMac(Vip) is FailoverLab.NodeAMac or FailoverLab.NodeBMac;
            }, "a node to answer ARP for " + Vip, apps);
            var (owner, other) = lab.PeerNeighbourMac(Vip) == FailoverLab.NodeAMac ? ("node-a", "node-b") : ("node-b", "node-a");

            // A rolling update: SIGTERM. From here the client sends nothing; only the new owner's gratuitous ARP can
            // change its entry.
            var clock = Stopwatch.StartNew();
            Assert.True(await layer2[owner].TerminateAppAsync());
            await WaitForAsync(() => lab.PeerNeighbourMac(Vip) == MacOf(other), $"the client's entry for {Vip} to move to {other}", apps);
            output.WriteLine($"clean stop of {owner}: the client's neighbour entry named {other} {clock.ElapsedMilliseconds} ms after SIGTERM was sent");

            // The stopped node comes back (ownership is sticky: it stays where it is), then the new owner crashes.
            await layer2[owner].DisposeAsync();
            apps.Remove(layer2[owner]);
            await StartLayer2Async(owner);
            clock.Restart();
            await layer2[other].KillAppAsync();
            await WaitForAsync(() => lab.PeerNeighbourMac(Vip) == MacOf(owner), $"the client's entry for {Vip} to move back to {owner}", apps);
            output.WriteLine($"crash of {other}: the client's neighbour entry named {owner} {clock.ElapsedMilliseconds} ms after SIGKILL was sent");
            Assert.True(first);
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }

            Directory.Delete(resources, recursive: true);
        }
    }

    private static string MacOf(string node) => node == "node-a" ? FailoverLab.NodeAMac : FailoverLab.NodeBMac;

    /// <summary>Polls <paramref name="condition"/> every 100 ms for at most <see cref="Patience"/>; fails with every process's output.</summary>
    private static async Task<bool> WaitForAsync(Func<bool> condition, string what, List<DaprAppProcess> apps)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Patience)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"Waited {Patience} for {what}.\n{string.Join('\n', apps.Select(a => a.Output))}");
    }
}
