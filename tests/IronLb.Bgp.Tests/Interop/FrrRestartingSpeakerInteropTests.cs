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

    private static Task<(ChildProcess Process, Match Ready)> StartNodeAsync(Lab lab, string stateDirectory) => ChildProcess.StartAsync(
        "ip",
        ["netns", "exec", lab.Node(1), "dotnet", typeof(LabNodeProgram).Assembly.Location, LabNodeProgram.Command,
            Path.Combine(lab.Dir, "manifests.yaml"), Path.Combine(lab.Dir, "store"), stateDirectory, NodeName, Vip],
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
        var stateDirectory = Path.Combine(lab.Dir, "bgp-state");
        var marker = Path.Combine(stateDirectory, NodeName + ".running");

        var (first, _) = await StartNodeAsync(lab, stateDirectory);
        ChildProcess? second = null;
        try
        {
            Assert.True(await Lab.EventuallyAsync(() => InKernel(lab), TimeSpan.FromSeconds(30), cts.Token), first.Output + lab.Vtysh("show bgp summary"));
            Assert.True(File.Exists(marker), "the running speaker keeps a restart marker");

            // Every change to FRR's kernel table is recorded, so that even a deletion shorter than a sample shows.
            using var monitor = new RouteMonitor(lab.Rtr);
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

            (second, _) = await StartNodeAsync(lab, stateDirectory);
            var refreshed = await Lab.EventuallyAsync(() => lab.SinglePathStale(Vip + "/32") == false, TimeSpan.FromSeconds(40), cts.Token);
            var refreshedAfter = killed.Elapsed;
            var restartInfo = lab.VtyshJson($"show bgp neighbors {Lab.NodeV4(1)} json")[Lab.NodeV4(1)]?["gracefulRestartInfo"];
            await Task.Delay(500, cts.Token); // a few more samples after the refresh
            await stopSampling.CancelAsync();
            var (samples, missing) = await sampling;
            var deletionsDuringRestart = Deletions(monitor);

            output.WriteLine($"FRR's view of the restarted peer: {restartInfo?.ToJsonString()}");
            output.WriteLine($"route refreshed (not stale) {refreshedAfter.TotalMilliseconds:F0} ms after the kill; kernel route sampled {samples} times every 50 ms, missing {missing} times; ip monitor saw {deletionsDuringRestart} deletions of it");
            Assert.True(refreshed, lab.Vtysh($"show bgp ipv4 unicast {Vip}/32") + second.Output);
            Assert.True(restartInfo?["rBit"]?.GetValue<bool>(), restartInfo?.ToJsonString());
            Assert.True(restartInfo?["ipv4Unicast"]?["fBit"]?.GetValue<bool>(), restartInfo?.ToJsonString());
            Assert.Equal((0, 0), (missing, deletionsDuringRestart));
            Assert.True(samples > 10, $"{samples} samples");

            // A clean stop withdraws, sends Cease and removes the marker; the monitor sees that deletion, so it would
            // have seen one during the restart.
            Assert.Equal(0, await second.TerminateAsync(TimeSpan.FromSeconds(20)));
            Assert.False(File.Exists(marker), "a clean stop removes the restart marker");
            Assert.True(await Lab.EventuallyAsync(() => !InKernel(lab) && Deletions(monitor) == 1, TimeSpan.FromSeconds(10), cts.Token), string.Join('\n', monitor.Lines()));
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

    private static int Deletions(RouteMonitor monitor) =>
        monitor.Lines().Count(l => l.StartsWith("Deleted", StringComparison.Ordinal) && l.Contains(Vip, StringComparison.Ordinal));

    /// <summary>`ip monitor route` in a namespace, its output kept; stopped by PID.</summary>
    private sealed class RouteMonitor : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];

        public RouteMonitor(string ns)
        {
            _process = new Process { StartInfo = new ProcessStartInfo("ip", ["-n", ns, "monitor", "route"]) { RedirectStandardOutput = true, UseShellExecute = false } };
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    lock (_lines)
                    {
                        _lines.Add(line);
                    }
                }
            };
            _process.Start();
            _process.BeginOutputReadLine();
        }

        public IReadOnlyList<string> Lines()
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }

        public void Dispose()
        {
            _process.Kill();
            _process.WaitForExit(5000);
            _process.Dispose();
        }
    }
}
