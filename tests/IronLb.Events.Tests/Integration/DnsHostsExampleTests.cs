using System.Diagnostics;
using IronLb.Testing;
using Xunit.Abstractions;

namespace IronLb.Events.Tests.Integration;

/// <summary>
/// examples/dns-hosts end to end: ipam (publishing its public events through Events:PubSub) and the example, each a
/// process beside its own sidecar, on one Redis; Services created, changed and deleted in the manifests folder, and the
/// hosts file checked each time, also after the subscriber was down while things changed.
/// </summary>
public sealed class DnsHostsExampleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private const string Pool = """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: public, namespace: metallb-system}
        spec:
          addresses: [203.0.113.16/29, "2001:db8:5::10-2001:db8:5::17"]
        """;

    private static string Service(string ns, string name, string? ip = null, bool dualStack = false) => $$"""
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: {{name}}
          namespace: {{ns}}
          {{(ip is null ? "annotations: {}" : $"annotations: {{metallb.io/loadBalancerIPs: \"{ip}\"}}")}}
        spec:
          type: LoadBalancer
          ipFamilyPolicy: {{(dualStack ? "RequireDualStack" : "SingleStack")}}
          ipFamilies: [{{(dualStack ? "IPv4, IPv6" : "IPv4")}}]
          selector: {app: {{name}}}
          ports: [{port: 80}]

        """;

    [Fact]
    public async Task DnsHosts_ServicesCreatedChangedDeletedAndSubscriberRestarted_HostsFileFollowsEveryChange()
    {
        using var manifests = new ManifestFolder(copyExamples: false);
        manifests.Write("pool.yaml", Pool);
        manifests.Write("services.yaml", Service("shop", "web", "203.0.113.20") + Service("shop", "api", dualStack: true));
        var hostsDirectory = Directory.CreateTempSubdirectory("ironlb-dns-hosts-").FullName;
        var hostsFile = Path.Combine(hostsDirectory, "hosts");
        await using var redis = await RedisServer.StartAsync();
        var resources = DaprComponents.CopyFor(redis);
        DaprAppProcess? ipam = null;
        DaprAppProcess? subscriber = null;
        try
        {
            ipam = await DaprAppProcess.StartAsync("ipam", "services/ipam", "IronLb.Ipam", redis, resources, new Dictionary<string, string>
            {
                ["Ipam__ConfigDirectory"] = manifests.Path,
                ["Events__PubSub"] = "ironlb-events",
            });
            subscriber = await StartSubscriberAsync(redis, resources, hostsFile);

            await ExpectAsync(hostsFile, ["203.0.113.16\tapi.shop", "2001:db8:5::10\tapi.shop", "203.0.113.20\tweb.shop"], ipam, subscriber);

            manifests.Write("services.yaml", Service("shop", "web", "203.0.113.21") + Service("shop", "api", dualStack: true));
            await ExpectAsync(hostsFile, ["203.0.113.16\tapi.shop", "2001:db8:5::10\tapi.shop", "203.0.113.21\tweb.shop"], ipam, subscriber);

            manifests.Write("services.yaml", Service("shop", "web", "203.0.113.21"));
            await ExpectAsync(hostsFile, ["203.0.113.21\tweb.shop"], ipam, subscriber);

            // The subscriber and its sidecar go away; while they are down a Service is deleted and two are created.
            Assert.Contains("services/shop/web@1:", subscriber.Output, StringComparison.Ordinal);
            await subscriber.DisposeAsync();
            subscriber = null;
            manifests.Write("services.yaml", Service("infra", "dns", "203.0.113.17") + Service("shop", "cart"));
            await WaitForIpamAsync(ipam, "cart");

            subscriber = await StartSubscriberAsync(redis, resources, hostsFile);
            await ExpectAsync(hostsFile, ["203.0.113.17\tdns.infra", "203.0.113.16\tcart.shop"], ipam, subscriber);

            // It caught up from its consumer group's position: what it had acknowledged before was not handed over again.
            Assert.Contains("services/shop/cart@", subscriber.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("services/shop/web@1:", subscriber.Output, StringComparison.Ordinal);
        }
        finally
        {
            if (subscriber is not null)
            {
                await subscriber.DisposeAsync();
            }

            if (ipam is not null)
            {
                await ipam.DisposeAsync();
            }

            Directory.Delete(resources, recursive: true);
            Directory.Delete(hostsDirectory, recursive: true);
        }
    }

    // The same app id after a restart: the same consumer group on the stream, so the sidecar hands over what it missed.
    private static Task<DaprAppProcess> StartSubscriberAsync(RedisServer redis, string resources, string hostsFile) =>
        DaprAppProcess.StartAsync("dns-hosts", "examples/dns-hosts/.build", "dns-hosts", redis, resources, new Dictionary<string, string>
        {
            ["DnsHosts__File"] = hostsFile,
        });

    private static async Task WaitForIpamAsync(DaprAppProcess ipam, string serviceName) =>
        await ipam.Status.WaitForAsync(
            s => s.GetProperty("ipam").GetProperty("services").EnumerateArray().Any(e => e.GetProperty("name").GetString() == serviceName && e.GetProperty("addresses").GetArrayLength() > 0),
            Patience);

    private async Task ExpectAsync(string hostsFile, string[] lines, DaprAppProcess ipam, DaprAppProcess subscriber)
    {
        var wanted = lines.Order(StringComparer.Ordinal).ToArray();
        var clock = Stopwatch.StartNew();
        string[] seen = [];
        while (clock.Elapsed < Patience)
        {
            seen = File.Exists(hostsFile)
                ? [.. File.ReadAllLines(hostsFile).Where(l => l.Length > 0 && !l.StartsWith('#')).Order(StringComparer.Ordinal)]
                : [];
            if (seen.SequenceEqual(wanted))
            {
                return;
            }

            await Task.Delay(100);
        }

        output.WriteLine(ipam.Output);
        output.WriteLine(subscriber.Output);
        Assert.Equal(wanted, seen);
    }
}
