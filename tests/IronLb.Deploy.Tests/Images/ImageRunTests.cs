using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IronLb.Deploy.Tests.Rendering;
using IronLb.Testing;

namespace IronLb.Deploy.Tests.Images;

/// <summary>The images scripts/images builds, started as deploy/ starts them: every service's probes pass beside its sidecar.</summary>
public sealed partial class ImageRunTests(BuiltImages images) : IClassFixture<BuiltImages>
{
    /// <summary>The longest a pod may take to pass its startup probe; generous for a loaded machine, never asserted as a timing.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [Fact]
    public void Build_EveryServiceImage_Under120MB()
    {
        var sizes = SizeLine().Matches(images.Report).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(["bgp", "election", "ipam", "layer2", "local-sidecar"], sizes.Keys.Order());
        Assert.All(sizes, s => Assert.True(s.Value < 120, $"{s.Key}: {s.Value} MB"));
    }

    [Theory]
    [InlineData("node", new[] { "ironlb-bgp", "ironlb-layer2" })]
    [InlineData("ipam", new[] { "ironlb-ipam" })]
    [InlineData("election", new[] { "ironlb-election" })]
    public async Task Start_AsTheManifestsSay_HealthzAnswersBesideTheSidecar(string network, string[] workloads)
    {
        await using var lab = new PodLab();
        // One namespace per pod network: the node agents share theirs (hostNetwork), as on a node.
        var (netns, redis) = await lab.NetworkAsync(network);
        var apps = new List<(string Name, JsonObject Container)>();
        foreach (var workload in workloads)
        {
            var pod = RenderedManifestTests.Workloads("deploy/overlays/quickstart").Single(w => w.Workload == workload).Pod;
            apps.AddRange(lab.StartPod(pod, workload.Replace("ironlb-", "", StringComparison.Ordinal), netns, redis));
        }

        foreach (var (name, container) in apps)
        {
            await WaitForProbeAsync(name, (JsonObject)container["startupProbe"]!);
            Assert.True(PodLab.Probe(name, (JsonObject)container["livenessProbe"]!), $"{name}: liveness probe failed after the startup probe passed");
        }
    }

    private static async Task WaitForProbeAsync(string name, JsonObject probe)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!PodLab.Probe(name, probe))
        {
            Assert.True(PodLab.Running(name), $"{name} stopped:\n{PodLab.Logs(name)}");
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{name}: the startup probe never passed:\n{PodLab.Logs(name)}");
            }
        }
    }

    [GeneratedRegex(@"^localhost/ironlb/([a-z0-9-]+):\S+ (\d+) MB$", RegexOptions.Multiline)]
    private static partial Regex SizeLine();
}
