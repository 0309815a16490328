using IronLb.Testing;
using System.Text.Json;

namespace IronLb.EndToEnd.Tests;

public sealed class SingleHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static long ConfigVersion(JsonElement status) => status.GetProperty("config").GetProperty("version").GetInt64();

    [Fact]
    public async Task Run_Examples_StatusShowsConfigurationAndSigtermExitsZero()
    {
        using var manifests = new ManifestFolder();
        await using var ironlb = await IronLbProcess.StartAsync(manifests.Path, "node-a");

        var status = await ironlb.Status.WaitForAsync(s => ConfigVersion(s) >= 1, Patience);
        var exitCode = await ironlb.TerminateAsync();

        var config = status.GetProperty("config");
        Assert.Equal(["public-v4", "public-v6", "team-a"], config.GetProperty("ipAddressPools").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["tor-v4", "tor-v6"], config.GetProperty("bgpPeers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["bgp", "config", "configSource", "election", "layer2"], status.EnumerateObject().Select(p => p.Name).Where(n => n is "bgp" or "config" or "configSource" or "election" or "layer2"));
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task Run_ManifestsChange_NewVersionAppliedAndInvalidChangeKeepsLastValid()
    {
        using var manifests = new ManifestFolder();
        await using var ironlb = await IronLbProcess.StartAsync(manifests.Path, "node-a");
        await ironlb.Status.WaitForAsync(s => ConfigVersion(s) == 1, Patience);

        manifests.Write("extra-pool.yaml", """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata:
              name: extra
              namespace: metallb-system
            spec:
              addresses: [198.51.100.200/29]
            """);
        var changed = await ironlb.Status.WaitForAsync(s => ConfigVersion(s) == 2, Patience);
        manifests.Write("broken.yaml", """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata:
              name: overlapping
              namespace: metallb-system
            spec:
              addresses: [198.51.100.200/30]
            """);
        var rejected = await ironlb.Status.WaitForAsync(s => s.GetProperty("configSource").GetProperty("lastRejected").ValueKind == JsonValueKind.Object, Patience);

        Assert.Contains("extra", changed.GetProperty("config").GetProperty("ipAddressPools").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, ConfigVersion(rejected));
        var errors = rejected.GetProperty("configSource").GetProperty("lastRejected").GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(errors, e => e.StartsWith("broken.yaml: IPAddressPool/overlapping: ", StringComparison.Ordinal) || e.Contains("IPAddressPool/overlapping", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_Restarted_KeepsStateVersion()
    {
        using var manifests = new ManifestFolder();
        var state = Directory.CreateTempSubdirectory("ironlb-state-").FullName;
        try
        {
            await using (var first = await IronLbProcess.StartAsync(manifests.Path, "node-a", state))
            {
                await first.Status.WaitForAsync(s => ConfigVersion(s) == 1, Patience);
                Assert.Equal(0, await first.TerminateAsync());
            }

            await using var second = await IronLbProcess.StartAsync(manifests.Path, "node-a", state);
            var status = await second.Status.WaitForAsync(s => ConfigVersion(s) >= 1, Patience);

            // The same manifests give the same digest, so the stored document stays at version 1 across the restart.
            Assert.Equal(1, ConfigVersion(status));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
