using System.Diagnostics;
using System.Text.RegularExpressions;
using IronLb.Testing;
using Xunit.Abstractions;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>
/// Graceful restart with this node as the restarting speaker (RFC 4724 §4.1): the bgp service is killed hard, FRR
/// keeps its route as stale, and the next process opens with the Restart State bit, re-sends the route and End-of-RIB;
/// FRR refreshes the route and never takes it out of its kernel table.
/// </summary>
[Collection(Lab.Collection)]
public sealed partial class FrrRestartingSpeakerInteropTests(ITestOutputHelper output)
{
    private const string Vip = "203.0.113.80";
    private const string NodeName = "node1";

    private static readonly string Config = $"""
        router bgp {Lab.RouterAsn}
         bgp router-id {Lab.RouterV4}
         no bgp ebgp-requires-policy
         bgp graceful-restart
         timers bgp 3 9
         neighbor {Lab.NodeV4(1)} remote-as 64501
         neighbor {Lab.NodeV4(1)} timers connect 1

        """;

    private static readonly string Manifests = $"""
        apiVersion: v1
        kind: Node
        metadata: {"{"}name: {NodeName}{"}"}
        status: {"{"}addresses: [{"{"}type: InternalIP, address: {Lab.NodeV4(1)}{"}"}]{"}"}
        ---
        apiVersion: metallb.io/v1beta2
        kind: BGPPeer
        metadata: {"{"}name: rtr, namespace: metallb-system{"}"}
        spec:
          myASN: 64501
          peerASN: {Lab.RouterAsn}
          peerAddress: {Lab.RouterV4}
          holdTime: 9s
          connectTime: 1s
          enableGracefulRestart: true

        """;

    [GeneratedRegex("^lab node ready$")]
    private static partial Regex Ready();

    private static bool InKernel(Lab lab) => Lab.Run("ip", "-n", lab.Rtr, "route", "show", Vip).Contains(Lab.NodeV4(1), StringComparison.Ordinal);

    private static Task<(ChildProcess Process, Match Ready)> StartNodeAsync(Lab lab) => ChildProcess.StartAsync(
        "ip",
        ["netns", "exec", lab.Node(1), "dotnet", typeof(LabNodeProgram).Assembly.Location, LabNodeProgram.Command,
            Path.Combine(lab.Dir, "manifests.yaml"), Path.Combine(lab.Dir, "store"), Path.Combine(lab.Dir, "bgp-state"), NodeName, Vip],
        Ready(),
        TimeSpan.FromSeconds(60));

    /// <summary>Samples FRR's kernel route every 50 ms until stopped: bounded by a count and by the token.</summary>
    private static async Task<(int Samples, int Missing)> SampleKernelAsync(Lab lab, CancellationToken stop)
    {
        var (samples, missing) = (0, 0);
        for (; samples < 4000 && !stop.IsCancellationRequested; samples++)
        {
            missing += InKernel(lab) ? 0 : 1;
            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return (samples, missing);
    }

    [LabFact]
    public async Task KilledHard_Restarted_FrrSeesRestartBitAndRefreshesTheRouteWithoutDroppingIt()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        using var lab = new Lab(1);
        lab.StartFrr(Config);
        await File.WriteAllTextAsync(Path.Combine(lab.Dir, "manifests.yaml"), Manifests, cts.Token);
        var marker = Path.Combine(lab.Dir, "bgp-state", NodeName + ".running");

        var (first, _) = await StartNodeAsync(lab);
        ChildProcess? second = null;
        try
        {
            Assert.True(await Lab.EventuallyAsync(() => InKernel(lab), TimeSpan.FromSeconds(30), cts.Token), first.Output + lab.Vtysh("show bgp summary"));
            Assert.True(File.Exists(marker), "the running speaker keeps a restart marker");

            using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            var sampling = SampleKernelAsync(lab, stopSampling.Token);
            var killed = Stopwatch.StartNew();
            using (var process = Process.GetProcessById(first.Id))
            {
                process.Kill(); // SIGKILL: no withdrawal, no Cease, the marker stays
                await process.WaitForExitAsync(cts.Token);
            }

            var sawStale = await Lab.EventuallyAsync(() => lab.SinglePathStale(Vip + "/32") == true, TimeSpan.FromSeconds(10), cts.Token);
            Assert.True(sawStale, lab.Vtysh($"show bgp ipv4 unicast {Vip}/32"));
            Assert.True(File.Exists(marker));

            (second, _) = await StartNodeAsync(lab);
            var refreshed = await Lab.EventuallyAsync(() => lab.SinglePathStale(Vip + "/32") == false, TimeSpan.FromSeconds(40), cts.Token);
            var refreshedAfter = killed.Elapsed;
            var neighbor = lab.VtyshJson($"show bgp neighbors {Lab.NodeV4(1)} json")[Lab.NodeV4(1)];
            await Task.Delay(500, cts.Token); // a few more samples after the refresh
            await stopSampling.CancelAsync();
            var (samples, missing) = await sampling;

            output.WriteLine($"FRR's view of the restarted peer: {neighbor?["gracefulRestartInfo"]?.ToJsonString()}");
            output.WriteLine($"route refreshed (not stale) {refreshedAfter.TotalMilliseconds:F0} ms after the kill; kernel route sampled {samples} times every 50 ms, missing {missing} times");
            Assert.True(refreshed, lab.Vtysh($"show bgp ipv4 unicast {Vip}/32") + second.Output);
            Assert.Equal(0, missing);
            Assert.True(samples > 10, $"{samples} samples");
            Assert.True(neighbor?["gracefulRestartInfo"]?["rBit"]?.GetValue<bool>(), neighbor?.ToJsonString());

            // A clean stop withdraws, sends Cease and removes the marker: the next start is a fresh one.
            Assert.Equal(0, await second.TerminateAsync(TimeSpan.FromSeconds(20)));
            Assert.False(File.Exists(marker), "a clean stop removes the restart marker");
            Assert.True(await Lab.EventuallyAsync(() => !InKernel(lab), TimeSpan.FromSeconds(10), cts.Token), "a clean stop withdraws the route");
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }
}
