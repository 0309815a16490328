using System.Diagnostics;
using System.Globalization;
using IronLb.Testing;

namespace IronLb.Bench;

/// <summary>
/// Layer 2 failover through the separate services at default timings (<see cref="FailoverLab"/>: a control host with
/// Redis, ipam and two election replicas, three nodes, a client), against keepalived with the same faults in the same
/// run. Times run from the fault to the client's neighbour entry changing, taken from `ip -ts monitor neigh` events.
/// </summary>
internal sealed class FailoverBenchmark : IBenchmark
{
    private static readonly string[] Faults = ["kill", "linkcut", "term"];

    public string Name => "failover";

    public string Description => "Layer 2 failover (SIGKILL, link cut, SIGTERM; partition, store outage, CPU stress) vs keepalived VRRPv2 1 s and VRRPv3 0.1 s";

    public async Task<IReadOnlyDictionary<string, object>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var trials = int.Parse(Option(args, "--trials", "20"), CultureInfo.InvariantCulture);
        var partition = TimeSpan.FromSeconds(double.Parse(Option(args, "--partition-seconds", "10"), CultureInfo.InvariantCulture));
        var outage = TimeSpan.FromSeconds(double.Parse(Option(args, "--outage-seconds", "30"), CultureInfo.InvariantCulture));
        var stress = TimeSpan.FromSeconds(double.Parse(Option(args, "--stress-seconds", "120"), CultureInfo.InvariantCulture));
        var figures = new Dictionary<string, object> { ["trials"] = trials };
        if (args.Contains("--demo"))
        {
            return await DemoAsync();
        }

        // --only kill,linkcut,term,partition,outage,stress,keepalived runs those parts alone (all by default).
        var only = Option(args, "--only", "kill,linkcut,term,partition,outage,stress,keepalived").Split(',').ToHashSet(StringComparer.Ordinal);

        await using (var lab = await FailoverLab.StartAsync("ilbbf", nodes: 3, electionReplicas: 2))
        {
            foreach (var fault in Faults.Where(only.Contains))
            {
                var times = new List<double>();
                for (var i = 0; i < trials; i++)
                {
                    times.Add(await IronLbTrialAsync(lab, fault));
                    Console.Error.WriteLine($"ironlb {fault} {i + 1}/{trials}: {times[^1]:0} ms");
                }

                figures[fault + "_median_ms"] = Math.Round(Median(times));
                figures[fault + "_worst_ms"] = Math.Round(times.Max());
            }

            if (only.Contains("partition"))
            {
                figures["partition_dual_answers"] = await PartitionAsync(lab, partition);
            }

            if (only.Contains("outage"))
            {
                figures["outage_unanswered"] = await OutageAsync(lab, outage);
            }

            if (only.Contains("stress"))
            {
                figures["false_failovers"] = await StressAsync(lab, stress);
            }
        }

        if (!only.Contains("keepalived"))
        {
            return figures;
        }

        figures["keepalived_v2_kill_median_ms"] = Math.Round(Median(await KeepalivedAsync(2, "1", "kill", Math.Min(trials, 10))));
        figures["keepalived_v3_kill_median_ms"] = Math.Round(Median(await KeepalivedAsync(3, "0.1", "kill", trials)));
        figures["keepalived_v3_linkcut_median_ms"] = Math.Round(Median(await KeepalivedAsync(3, "0.1", "linkcut", trials)));
        if (figures.TryGetValue("kill_median_ms", out var kill))
        {
            figures["kill_vs_keepalived_v3"] = Math.Round((double)kill / (double)figures["keepalived_v3_kill_median_ms"], 2);
        }

        return figures;
    }

    // scripts/failover-demo: three namespaced nodes; the owner's layer2 service killed, then the new owner's link cut.
    private static async Task<IReadOnlyDictionary<string, object>> DemoAsync()
    {
        Console.WriteLine("Starting Redis, ipam and two election replicas on a control host, layer2 on three nodes, and a client, each in a network namespace...");
        await using var lab = await FailoverLab.StartAsync("ilbdemo", nodes: 3, electionReplicas: 2);
        var figures = new Dictionary<string, object>();
        foreach (var (fault, what) in new[] { ("kill", "SIGKILL of its layer2 service"), ("linkcut", "its LAN link cut") })
        {
            var owner = await lab.WaitForSettledAsync(TimeSpan.FromSeconds(60));
            Console.WriteLine($"{FailoverLab.Vip} is answered by {owner} ({FailoverLab.MacOf(owner)}); now: {what}.");
            var ms = await IronLbTrialAsync(lab, fault);
            var now = lab.OwnerSeenByClient();
            Console.WriteLine($"  the client's neighbour entry named {now} {ms:0} ms after the fault.");
            figures[fault + "_ms"] = Math.Round(ms);
        }

        Console.WriteLine("Tearing the lab down.");
        return figures;
    }

    private static async Task<double> IronLbTrialAsync(FailoverLab lab, string fault)
    {
        var owner = await lab.WaitForSettledAsync(TimeSpan.FromSeconds(60));
        await using var neighbours = await NeighbourWatch.StartAsync(lab.Client, FailoverLab.Vip);

        // The fault lands anywhere within one beacon interval, or medians come out biased.
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, 50)));
        var at = DateTime.Now;
        switch (fault)
        {
            case "kill":
                await lab.KillLayer2Async(owner);
                break;
            case "linkcut":
                lab.SetLink(owner, up: false);
                break;
            default:
                await lab.TerminateLayer2Async(owner);
                break;
        }

        var moved = await WaitAwayAsync(neighbours, FailoverLab.MacOf(owner), at);
        if (fault == "linkcut")
        {
            lab.SetLink(owner, up: true);
        }
        else
        {
            await lab.ForgetLayer2Async(owner);
            await lab.StartLayer2Async(owner);
        }

        return (moved - at).TotalMilliseconds;
    }

    private static async Task<DateTime> WaitAwayAsync(NeighbourWatch neighbours, string mac, DateTime since)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (neighbours.FirstChangeAwayFrom(mac, since) is { } change)
            {
                return change.At;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        throw new TimeoutException($"The client's entry never left {mac}.");
    }

    private static async Task<int> PartitionAsync(FailoverLab lab, TimeSpan length)
    {
        var owner = await lab.WaitForSettledAsync(TimeSpan.FromSeconds(60));
        await using var watch = await ArpWatch.StartAsync(lab.Client, "eth0", FailoverLab.ClientMac, FailoverLab.Vip, TimeSpan.FromMilliseconds(20), length + TimeSpan.FromSeconds(4));
        await Task.Delay(TimeSpan.FromSeconds(1));
        lab.SetBlackhole(owner, on: true);
        await Task.Delay(length);
        lab.SetBlackhole(owner, on: false);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var probes = await watch.StopAsync();
        Console.Error.WriteLine($"partition: {probes.Count} probes, {probes.Count(p => p.AnsweredTwice)} answered twice, {probes.Count(p => p.ReplyMacs.Count == 0)} unanswered");
        return probes.Count(p => p.AnsweredTwice);
    }

    private static async Task<int> OutageAsync(FailoverLab lab, TimeSpan length)
    {
        await lab.WaitForSettledAsync(TimeSpan.FromSeconds(60));
        await using var watch = await ArpWatch.StartAsync(lab.Client, "eth0", FailoverLab.ClientMac, FailoverLab.Vip, TimeSpan.FromMilliseconds(100), length + TimeSpan.FromSeconds(6));
        await Task.Delay(TimeSpan.FromSeconds(1));
        lab.SetLink("ctl", up: false);
        await Task.Delay(length);
        lab.SetLink("ctl", up: true);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var probes = await watch.StopAsync();
        var macs = probes.SelectMany(p => p.ReplyMacs).Distinct().Count();
        Console.Error.WriteLine($"outage: {probes.Count} probes, {probes.Count(p => p.ReplyMacs.Count == 0)} unanswered, {macs} MACs answered");
        if (macs > 1 || probes.Any(p => p.ReplyMacs.Count == 0))
        {
            Console.Error.WriteLine(string.Join('\n', probes.Select(p => $"{p.At:0.000} {string.Join(',', p.ReplyMacs)}")));
            Console.Error.WriteLine(lab.Output);
        }
        return probes.Count(p => p.ReplyMacs.Count == 0);
    }

    // Both CPUs saturated (stress-ng, by PID) while the services run: every change of the MAC answering is a false failover.
    private static async Task<int> StressAsync(FailoverLab lab, TimeSpan length)
    {
        await lab.WaitForSettledAsync(TimeSpan.FromSeconds(60));
        await using var watch = await ArpWatch.StartAsync(lab.Client, "eth0", FailoverLab.ClientMac, FailoverLab.Vip, TimeSpan.FromMilliseconds(100), length + TimeSpan.FromSeconds(2));
        var seconds = ((int)length.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var (stress, _) = await ChildProcess.StartAsync("sh", ["-c", $"exec stress-ng --cpu {Environment.ProcessorCount} --timeout {seconds}s 2>&1"], new System.Text.RegularExpressions.Regex("."), TimeSpan.FromSeconds(20));
        await using (stress)
        {
            await Task.Delay(length);
        }

        var probes = await watch.StopAsync();
        var answered = probes.Where(p => p.ReplyMacs.Count > 0).Select(p => p.ReplyMacs[0]).ToList();
        var changes = answered.Zip(answered.Skip(1)).Count(p => p.First != p.Second);
        Console.Error.WriteLine($"stress: {probes.Count} probes, {probes.Count(p => p.ReplyMacs.Count == 0)} unanswered, {changes} changes of the answering MAC");
        return changes;
    }

    private static async Task<List<double>> KeepalivedAsync(int version, string advert, string fault, int trials)
    {
        var times = new List<double>();
        await using var lab = new KeepalivedLab(version, advert);
        for (var i = 0; i < trials; i++)
        {
            // Every trial starts from the same state: all three running and node-1, the highest priority, master.
            await lab.StartAsync();
            var owner = await WaitForAsync(() => lab.OwnerSeenByClient() is "node-1" ? "node-1" : null);
            await using var neighbours = await NeighbourWatch.StartAsync(lab.Client, FailoverLab.Vip);
            var interval = TimeSpan.FromSeconds(double.Parse(advert, CultureInfo.InvariantCulture));
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * interval.TotalMilliseconds));
            var at = DateTime.Now;
            if (fault == "kill")
            {
                await lab.KillAsync(owner);
            }
            else
            {
                lab.SetLink(owner, up: false);
            }

            var moved = await WaitAwayAsync(neighbours, FailoverLab.MacOf(owner), at);
            times.Add((moved - at).TotalMilliseconds);
            Console.Error.WriteLine($"keepalived v{version} {fault} {i + 1}/{trials}: {times[^1]:0} ms");
            // The old master is started again for the next trial (it still holds the address after a cut: kill it too).
            if (fault == "linkcut")
            {
                await lab.KillAsync(owner);
                lab.SetLink(owner, up: true);
            }
        }

        return times;
    }

    private static async Task<string> WaitForAsync(Func<string?> find)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (find() is { } found)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException("keepalived never answered the client");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}
