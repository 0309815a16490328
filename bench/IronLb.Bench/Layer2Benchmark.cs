using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace IronLb.Bench;

/// <summary>ARP and NDP reply latency of the Layer 2 announcer, measured on the wire from a peer namespace at several
/// request rates, beside the Linux kernel answering for the node's own addresses in the same run.</summary>
/// <remarks>Three roles of one program: the orchestrator (root namespace) builds the namespaces and starts the other two
/// with `ip netns exec`, because libpcap, sysfs and the announcer's timers must all live in the namespace they serve.
/// Usage: bench/run layer2 [--rates 500,1000,2000,5000] [--seconds 2] [--single-reader]; the last gives each interface
/// one capture reader instead of one per CPU (Layer2:ReaderPerCpu=false), to compare the two.</remarks>
internal sealed class Layer2Benchmark : IBenchmark
{
    private static readonly IPAddress Vip = IPAddress.Parse("203.0.113.20");
    private static readonly IPAddress Vip6 = IPAddress.Parse("2001:db8:1:20::20");
    private static readonly IPAddress NodeIPv4 = IPAddress.Parse("192.0.2.11");
    private static readonly IPAddress NodeIPv6 = IPAddress.Parse("2001:db8:1::11");

    private static readonly Layer2ProbeTarget[] Targets =
    [
        new("arp", false, Vip),
        new("kernel_arp", false, NodeIPv4),
        new("ndp", true, Vip6),
        new("kernel_ndp", true, NodeIPv6),
    ];

    public string Name => "layer2";

    public string Description => "ARP/NDP reply latency (median, p99) and loss up to 5,000 req/s vs the Linux kernel answering";

    public async Task<IReadOnlyDictionary<string, object>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var rates = Option(args, "--rates", "500,1000,2000,5000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();
        var seconds = double.Parse(Option(args, "--seconds", "2"), CultureInfo.InvariantCulture);
        if (args.Contains("--node"))
        {
            await Layer2BenchNode.RunAsync([Vip, Vip6], readerPerCpu: !args.Contains("--single-reader"), cancellationToken);
            return new Dictionary<string, object> { ["role"] = "node" };
        }

        if (args.Contains("--probe"))
        {
            return Probe(rates, seconds);
        }

        return Orchestrate(rates, seconds, singleReader: args.Contains("--single-reader"));
    }

    private static Dictionary<string, object> Probe(int[] rates, double seconds)
    {
        var probe = new Layer2BenchProbe("eth0", IPAddress.Parse("192.0.2.100"), IPAddress.Parse("2001:db8:1::100"));
        var results = new Dictionary<string, object>();

        // Warm-up: JIT and caches on both sides, and the bridge learns the path; never counted.
        foreach (var target in Targets)
        {
            probe.Run(target, 1000, 500);
        }

        foreach (var rate in rates)
        {
            foreach (var target in Targets)
            {
                var result = probe.Run(target, rate, Math.Max(200, (int)(rate * seconds)));
                results[$"{target.Name}@{rate}"] = result;
                Console.Error.WriteLine($"  {target.Name,-11} {rate,5}/s (sent at {result.AchievedRate,5}/s)  median {result.MedianUs,6:F0} us  p99 {result.P99Us,6:F0} us  lost {result.Lost}/{result.Sent}  capture drops {result.CaptureDrops}");
            }
        }

        return results;
    }

    private static Dictionary<string, object> Orchestrate(int[] rates, double seconds, bool singleReader)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("bench/run layer2 needs root: it creates network namespaces and captures with libpcap");
        }

        using var lab = new Layer2BenchLab();
        Console.Error.WriteLine($"layer2: namespaces {lab.Node} and {lab.Peer} on {lab.Lan}; rates {string.Join(',', rates)} req/s, {seconds} s each");
        using var node = StartRole(lab.Node, singleReader ? ["--node", "--single-reader"] : ["--node"]);
        node.ErrorDataReceived += (_, e) => Console.Error.WriteLine($"  node: {e.Data}");
        node.BeginErrorReadLine();
        try
        {
            var ready = node.StandardOutput.ReadLine();
            if (ready != "ready")
            {
                throw new InvalidOperationException($"the announcer did not start (said '{ready}'); its log is above");
            }

            var cpuBefore = CpuSeconds(node.Id);
            var (allocatedBefore, gen0Before, _) = NodeStats(node);
            using var probe = StartRole(lab.Peer, "--probe", "--rates", string.Join(',', rates), "--seconds", seconds.ToString(CultureInfo.InvariantCulture));
            probe.ErrorDataReceived += (_, e) => Console.Error.WriteLine(e.Data);
            probe.BeginErrorReadLine();
            var lines = probe.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            probe.WaitForExit();
            if (probe.ExitCode != 0 || lines.Length == 0)
            {
                throw new InvalidOperationException($"the probe failed ({probe.ExitCode})");
            }

            var cpu = CpuSeconds(node.Id) - cpuBefore;
            var (allocatedAfter, gen0After, gen2After) = NodeStats(node);
            using var json = JsonDocument.Parse(lines[^1]);
            var figures = Figures(json.RootElement, rates);
            figures["reader_per_cpu"] = !singleReader;

            // Every request of every target (kernel ones too) passes the announcer's filter and gets parsed.
            var frames = json.RootElement.EnumerateObject().Sum(p => p.Value.GetProperty("Sent").GetInt32()) + (Targets.Length * 500);
            figures["announcer_cpu_us_per_frame"] = Math.Round(cpu * 1e6 / frames, 1);
            figures["announcer_bytes_per_frame"] = Math.Round((allocatedAfter - allocatedBefore) / (double)frames, 1);
            figures["announcer_gen0_gcs"] = gen0After - gen0Before;
            figures["announcer_gen2_gcs"] = gen2After;
            return figures;
        }
        finally
        {
            node.StandardInput.Close();
            if (!node.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                node.Kill();
            }
        }
    }

    private static Dictionary<string, object> Figures(JsonElement results, int[] rates)
    {
        double? Get(string target, int rate, string field) =>
            results.GetProperty($"{target}@{rate}").GetProperty(field) is { ValueKind: JsonValueKind.Number } v ? Math.Round(v.GetDouble(), 1) : null;

        var top = rates.Max();
        var byRate = rates.ToDictionary(
            r => r.ToString(CultureInfo.InvariantCulture),
            r => Targets.ToDictionary(t => t.Name, t => new Dictionary<string, object?>
            {
                ["median_us"] = Get(t.Name, r, "MedianUs"),
                ["p99_us"] = Get(t.Name, r, "P99Us"),
                ["lost"] = Get(t.Name, r, "Lost"),
                ["sent"] = Get(t.Name, r, "Sent"),
                ["achieved_rate"] = Get(t.Name, r, "AchievedRate"),
            }));
        var lostAt5000 = rates.Contains(5000) ? Get("arp", 5000, "Lost") + Get("ndp", 5000, "Lost") : null;
        return new Dictionary<string, object>
        {
            ["rate_per_s"] = top,
            ["arp_median_us"] = Get("arp", top, "MedianUs")!,
            ["arp_p99_us"] = Get("arp", top, "P99Us")!,
            ["ndp_median_us"] = Get("ndp", top, "MedianUs")!,
            ["ndp_p99_us"] = Get("ndp", top, "P99Us")!,
            ["kernel_arp_median_us"] = Get("kernel_arp", top, "MedianUs")!,
            ["kernel_arp_p99_us"] = Get("kernel_arp", top, "P99Us")!,
            ["kernel_ndp_median_us"] = Get("kernel_ndp", top, "MedianUs")!,
            ["arp_median_vs_kernel"] = Math.Round((Get("arp", top, "MedianUs") ?? double.NaN) / (Get("kernel_arp", top, "MedianUs") ?? double.NaN), 2),
            ["ndp_median_vs_kernel"] = Math.Round((Get("ndp", top, "MedianUs") ?? double.NaN) / (Get("kernel_ndp", top, "MedianUs") ?? double.NaN), 2),
            ["lost_at_5000"] = lostAt5000 is { } lost ? (object)(long)lost : "not measured",
            ["achieved_rate_at_top"] = Math.Min(Get("arp", top, "AchievedRate") ?? 0, Get("ndp", top, "AchievedRate") ?? 0),
            ["load_avg_1m"] = LoadAverage(),
            ["cpus"] = Environment.ProcessorCount,
            ["capture_drops"] = rates.Sum(r => Targets.Sum(t => Get(t.Name, r, "CaptureDrops") ?? 0)),
            ["by_rate"] = byRate,
        };
    }

    /// <summary>Bytes the announcer process allocated so far, and its gen0 and gen2 collection counts.</summary>
    private static (long Allocated, int Gen0, int Gen2) NodeStats(Process node)
    {
        node.StandardInput.WriteLine("stats");
        node.StandardInput.Flush();
        var fields = (node.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the announcer stopped answering")).Split(' ');
        return (long.Parse(fields[0], CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture));
    }

    /// <summary>User plus system CPU time of a process, from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The 1-minute load average: a userspace responder's latency depends on it, the kernel's hardly.</summary>
    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : -1;

    private static Process StartRole(string netns, params string[] roleArgs)
    {
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "netns", "exec", netns, Environment.ProcessPath!, typeof(Layer2Benchmark).Assembly.Location, "layer2" }.Concat(roleArgs))
        {
            psi.ArgumentList.Add(arg);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start a benchmark role");
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
