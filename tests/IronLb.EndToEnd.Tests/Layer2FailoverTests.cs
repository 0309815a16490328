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
    private const string ControlAddress = "192.0.2.2";
    private const string NodeAMac = "02:00:00:00:00:11";
    private const string NodeBMac = "02:00:00:00:00:12";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly string Manifests = LabManifests.Layer2Pool(["203.0.113.16/32"]) + """
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

        """ + LabManifests.WebService(dualStack: false, "node-a", "node-b");

    [NamespaceLabFact]
    public async Task OwnerStopsThenCrashes_PeerNeighbourEntryMovesToTheOtherNodeEachTime()
    {
        using var lab = Lab();
        using var manifests = new ManifestFolder(copyExamples: false);
        manifests.Write("lab.yaml", Manifests);
        await using var redis = await RedisServer.StartAsync(lab.Namespace("ctl"), ControlAddress);
        var resources = DaprComponents.CopyFor(redis);
        var apps = new List<DaprAppProcess>();
        var layer2 = new Dictionary<string, DaprAppProcess>();
        async Task StartLayer2Async(string node)
        {
            var app = await DaprAppProcess.StartAsync("layer2", "services/layer2", "IronLb.Layer2", redis, resources, new Dictionary<string, string>
            {
                ["Node__Name"] = node,
                ["Dapr__PubSubName"] = "pubsub-node",
            }, netns: lab.Namespace(node), podName: "layer2-" + node);
            apps.Add(app);
            layer2[node] = app;
        }

        try
        {
            apps.Add(await DaprAppProcess.StartAsync("ipam", "services/ipam", "IronLb.Ipam", redis, resources, new Dictionary<string, string>
            {
                ["Ipam__ConfigDirectory"] = manifests.Path,
            }, netns: lab.Namespace("ctl")));
            apps.Add(await DaprAppProcess.StartAsync("election", "services/election", "IronLb.Election", redis, resources, new Dictionary<string, string>(), netns: lab.Namespace("ctl")));
            await StartLayer2Async("node-a");
            await StartLayer2Async("node-b");

            // The client asks who has the address (its kernel sends the ARP request) until some node answers.
            var first = await WaitForAsync(() =>
            {
                lab.Exec("peer", "ping", "-c", "1", "-W", "1", Vip);
                return NeighbourProbe.NeighbourMac(lab.Namespace("peer"), Vip) is NodeAMac or NodeBMac;
            }, "a node to answer ARP for " + Vip, apps);
            var (owner, other) = NeighbourProbe.NeighbourMac(lab.Namespace("peer"), Vip) == NodeAMac ? ("node-a", "node-b") : ("node-b", "node-a");

            // A rolling update: SIGTERM. From here the client sends nothing; only the new owner's gratuitous ARP can
            // change its entry.
            var clock = Stopwatch.StartNew();
            Assert.True(await layer2[owner].TerminateAppAsync());
            await WaitForAsync(() => NeighbourProbe.NeighbourMac(lab.Namespace("peer"), Vip) == MacOf(other), $"the client's entry for {Vip} to move to {other}", apps);
            output.WriteLine($"clean stop of {owner}: the client's neighbour entry named {other} {clock.ElapsedMilliseconds} ms after SIGTERM was sent");

            // The stopped node comes back (ownership is sticky: it stays where it is), then the new owner crashes.
            await layer2[owner].DisposeAsync();
            apps.Remove(layer2[owner]);
            await StartLayer2Async(owner);
            clock.Restart();
            await layer2[other].KillAppAsync();
            await WaitForAsync(() => NeighbourProbe.NeighbourMac(lab.Namespace("peer"), Vip) == MacOf(owner), $"the client's entry for {Vip} to move back to {owner}", apps);
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

    private static string MacOf(string node) => node == "node-a" ? NodeAMac : NodeBMac;

    /// <summary>One segment: ctl 192.0.2.2, node-a .11, node-b .12, peer .100 with 203.0.113.0/24 on-link, as on a
    /// LAN where MetalLB's Layer 2 mode is used.</summary>
    private static NamespaceLan Lab()
    {
        var lab = new NamespaceLan("ilbfo");
        try
        {
            lab.AddSegment("br0");
            foreach (var (host, mac, address) in new[] { ("ctl", "02:00:00:00:00:02", ControlAddress), ("node-a", NodeAMac, "192.0.2.11"), ("node-b", NodeBMac, "192.0.2.12"), ("peer", "02:00:00:00:00:64", "192.0.2.100") })
            {
                lab.Add(host);
                lab.Attach(host, "eth0", "br0", mac, address + "/24");
            }

            Shell.Must("ip", "-n", lab.Namespace("peer"), "route", "add", "203.0.113.0/24", "dev", "eth0");
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

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
