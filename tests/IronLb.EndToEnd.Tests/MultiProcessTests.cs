using System.Text.Json;
using IronLb.Testing;

namespace IronLb.EndToEnd.Tests;

/// <summary>The four services as separate processes, each beside a local sidecar, sharing one Redis: the production shape.</summary>
public sealed class MultiProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static long ConfigVersion(JsonElement status) => status.GetProperty("config").GetProperty("version").GetInt64();

    [Fact]
    public async Task SeparateServices_ConfigurationChangedThroughIpam_ReachesEveryService()
    {
        using var manifests = new ManifestFolder();
        await using var redis = await RedisServer.StartAsync();
        var resources = DaprComponents.CopyFor(redis);
        var apps = new List<DaprAppProcess>();
        try
        {
            apps.Add(await DaprAppProcess.StartAsync("ipam", "services/ipam", "IronLb.Ipam", redis, resources, new Dictionary<string, string>
            {
                ["Ipam__ConfigDirectory"] = manifests.Path,
            }));
            apps.Add(await DaprAppProcess.StartAsync("election", "services/election", "IronLb.Election", redis, resources, new Dictionary<string, string>()));
            foreach (var (appId, assembly) in new[] { ("bgp", "IronLb.Bgp"), ("layer2", "IronLb.Layer2") })
            {
                apps.Add(await DaprAppProcess.StartAsync(appId, "services/" + appId, assembly, redis, resources, new Dictionary<string, string>
                {
                    ["Node__Name"] = "node-a",
                    ["Dapr__PubSubName"] = "pubsub-node",

                    // This test runs in the machine's own network namespace: no ARP/NDP on its interfaces, no BGP sessions.
                    ["Layer2__Announce"] = "false",
                    ["Bgp__Announce"] = "false",
                }));
            }

            foreach (var app in apps)
            {
                await WaitOrExplainAsync(app, s => ConfigVersion(s) == 1, apps);
            }

            manifests.Write("extra-pool.yaml", """
                apiVersion: metallb.io/v1beta1
                kind: IPAddressPool
                metadata:
                  name: extra
                  namespace: metallb-system
                spec:
                  addresses: [198.51.100.200/29]
                """);

            foreach (var app in apps)
            {
                var status = await WaitOrExplainAsync(app, s => ConfigVersion(s) == 2, apps);
                Assert.Contains("extra", status.GetProperty("config").GetProperty("ipAddressPools").EnumerateArray().Select(e => e.GetString()));
            }
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

    private static async Task<JsonElement> WaitOrExplainAsync(DaprAppProcess app, Func<JsonElement, bool> condition, List<DaprAppProcess> all)
    {
        try
        {
            return await app.Status.WaitForAsync(condition, Patience);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{app.AppId}: {ex.Message}\n{string.Join('\n', all.Select(a => a.Output))}", ex);
        }
    }
}
