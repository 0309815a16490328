using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using IronLb.Testing;

namespace IronLb.EndToEnd.Tests;

/// <summary>
/// Prometheus scrapes each service on its probe listener (Probes__Listen), as deploy/ sets it, and finds MetalLB's metric
/// names, types and label names (metallb/metallb internal/allocator, internal/k8s, internal/bgp/native).
/// </summary>
public sealed partial class MetricsScrapeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Scrape_IpamAndBgpProbeListeners_MetalLbNamesTypesAndLabels()
    {
        // A BGP peer on loopback where nothing listens: its session exists and is down, as a router that is away.
        var deadPort = ClosedPeerPort();

        using var manifests = new ManifestFolder(copyExamples: false);
        manifests.Write("config.yaml", Manifests(deadPort));
        await using var redis = await RedisServer.StartAsync();
        var resources = DaprComponents.CopyFor(redis);
        var apps = new List<DaprAppProcess>();
        var probes = new Dictionary<string, int>();
        try
        {
            probes["ipam"] = LoopbackPorts.Next();
            apps.Add(await DaprAppProcess.StartAsync("ipam", "services/ipam", "IronLb.Ipam", redis, resources, new Dictionary<string, string>
            {
                ["Ipam__ConfigDirectory"] = manifests.Path,
                ["Probes__Listen"] = "127.0.0.1:" + probes["ipam"].ToString(CultureInfo.InvariantCulture),
            }));
            probes["bgp"] = LoopbackPorts.Next();
            apps.Add(await DaprAppProcess.StartAsync("bgp", "services/bgp", "IronLb.Bgp", redis, resources, new Dictionary<string, string>
            {
                ["Node__Name"] = "node-a",
                ["Dapr__PubSubName"] = "pubsub-node",
                ["Bgp__ListenPort"] = "0",
                ["Probes__Listen"] = "127.0.0.1:" + probes["bgp"].ToString(CultureInfo.InvariantCulture),
            }));

            var ipam = await ScrapeUntilAsync(probes["ipam"], m => m.Series.Any(s => s.Name == "metallb_allocator_addresses_in_use_total" && s.Value == 1), apps);
            Assert.Equal("gauge", ipam.Types["metallb_allocator_addresses_in_use_total"]);
            Assert.Equal("gauge", ipam.Types["metallb_allocator_addresses_total"]);
            Assert.Equal("gauge", ipam.Types["metallb_k8s_client_config_loaded_bool"]);
            Assert.Equal("gauge", ipam.Types["metallb_k8s_client_config_stale_bool"]);
            Assert.Contains(new Series("metallb_allocator_addresses_total", "pool=\"scrape\"", 8), ipam.Series);
            Assert.Contains(new Series("metallb_allocator_addresses_in_use_total", "pool=\"scrape\"", 1), ipam.Series);
            Assert.Contains(new Series("metallb_k8s_client_config_loaded_bool", "", 1), ipam.Series);
            Assert.Contains(new Series("metallb_k8s_client_config_stale_bool", "", 0), ipam.Series);

            var bgp = await ScrapeUntilAsync(probes["bgp"], m => m.Series.Any(s => s.Name == "metallb_bgp_pending_prefixes_total" && s.Value == 1), apps);
            var peer = $"peer=\"127.0.0.1:{deadPort}\"";
            Assert.Equal("gauge", bgp.Types["metallb_bgp_session_up"]);
            Assert.Equal("counter", bgp.Types["metallb_bgp_updates_total"]);
            Assert.Equal("gauge", bgp.Types["metallb_bgp_announced_prefixes_total"]);
            Assert.Equal("gauge", bgp.Types["metallb_bgp_pending_prefixes_total"]);
            Assert.Contains(new Series("metallb_bgp_session_up", peer + ",vrf=\"\"", 0), bgp.Series);
            Assert.Contains(new Series("metallb_bgp_updates_total", peer + ",vrf=\"\"", 0), bgp.Series);
            Assert.Contains(new Series("metallb_bgp_announced_prefixes_total", peer + ",vrf=\"\"", 0), bgp.Series);
            Assert.Contains(new Series("metallb_bgp_pending_prefixes_total", peer + ",vrf=\"\"", 1), bgp.Series);
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

    /// <summary>A loopback port nothing listens on, within MetalLB's peerPort range (1..16384).</summary>
    private static int ClosedPeerPort()
    {
        for (var port = 16384 - Random.Shared.Next(2000); port > 10000; port--)
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try the next one.
            }
        }

        throw new InvalidOperationException("no free loopback port in 10000..16384");
    }

    private static string Manifests(int peerPort) => $"""
        apiVersion: v1
        kind: Node
        metadata: {"{"}name: node-a{"}"}
        ---
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {"{"}name: scrape, namespace: metallb-system{"}"}
        spec: {"{"}addresses: [198.51.100.240/29]{"}"}
        ---
        apiVersion: metallb.io/v1beta1
        kind: BGPAdvertisement
        metadata: {"{"}name: scrape, namespace: metallb-system{"}"}
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {"{"}name: away, namespace: metallb-system{"}"}
        spec: {"{"}myASN: 64500, peerASN: 64501, peerAddress: 127.0.0.1, peerPort: {peerPort}, routerID: 192.0.2.11{"}"}
        ---
        apiVersion: v1
        kind: Service
        metadata: {"{"}name: web, namespace: shop{"}"}
        spec: {"{"}type: LoadBalancer, externalTrafficPolicy: Cluster, ports: [{"{"}port: 80{"}"}]{"}"}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {"{"}name: web-1, namespace: shop, labels: {"{"}kubernetes.io/service-name: web{"}"}{"}"}
        addressType: IPv4
        endpoints: [{"{"}addresses: [192.0.2.50], conditions: {"{"}ready: true{"}"}, nodeName: node-a{"}"}]
        """;

    private static async Task<Scrape> ScrapeUntilAsync(int port, Func<Scrape, bool> condition, List<DaprAppProcess> apps)
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)) };
        using var deadline = new CancellationTokenSource(Patience);
        var last = "";
        while (true)
        {
            try
            {
                last = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), deadline.Token);
                var scrape = Scrape.Parse(last);
                if (condition(scrape))
                {
                    return scrape;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !deadline.IsCancellationRequested))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"port {port} never served the expected metrics; last scrape:\n{last}\n{string.Join('\n', apps.Select(a => a.Output))}");
            }
        }
    }

    /// <summary>One sample: name, labels as written between the braces, value.</summary>
    private sealed record Series(string Name, string Labels, double Value);

    /// <summary>A Prometheus text exposition: each family's type, and every sample.</summary>
    private sealed record Scrape(IReadOnlyDictionary<string, string> Types, IReadOnlyList<Series> Series)
    {
        public static Scrape Parse(string text)
        {
            var types = new Dictionary<string, string>(StringComparer.Ordinal);
            var series = new List<Series>();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    types[parts[2]] = parts[3];
                }
                else if (!line.StartsWith('#') && SampleLine().Match(line) is { Success: true } sample)
                {
                    series.Add(new Series(sample.Groups[1].Value, sample.Groups[2].Value, double.Parse(sample.Groups[3].Value, CultureInfo.InvariantCulture)));
                }
            }

            return new Scrape(types, series);
        }
    }

    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$""")]
    private static partial Regex SampleLine();
}
