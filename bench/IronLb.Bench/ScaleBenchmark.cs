using System.Diagnostics;
using System.Globalization;

namespace IronLb.Bench;

/// <summary>Scale: cold start and one-Service changes with 1,000 and 10,000 Services, single host (`ironlb run --dry-run`).</summary>
/// <remarks>
/// Each size gets a generated manifests folder (all Services in one file, as the issue measured) and a fresh state
/// folder. Cold start is from process start to the bgp agent announcing every Service; a change is one new file with
/// one Service, timed from the write to the agent announcing it. The separate-services run (sidecars, Redis, FRR) is
/// not built yet: its keys are printed as null, never guessed.
/// </remarks>
internal sealed class ScaleBenchmark : IBenchmark
{
    private static readonly TimeSpan ColdTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(60);

    public string Name => "scale";

    public string Description => "1,000 and 10,000 Services: cold start to all announced, one-Service change latency, bytes written, RSS (single host; --changes N)";

    public async Task<IReadOnlyDictionary<string, object>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var changes = ArgValue(args, "--changes", 20);
        var root = RepositoryRoot();
        var cli = await BuildCliAsync(root, cancellationToken).ConfigureAwait(false);
        var figures = new Dictionary<string, object>();
        var results = new List<(int Services, SizeResult Result)>();
        foreach (var services in new[] { 1_000, 10_000 })
        {
            var result = await RunSizeAsync(cli, services, changes, cancellationToken).ConfigureAwait(false);
            results.Add((services, result));
            var suffix = services == 10_000 ? "" : "_" + (services / 1000).ToString(CultureInfo.InvariantCulture) + "k";
            figures["cold_all_announced_single_host_s" + suffix] = Math.Round(result.ColdSeconds, 2);
            figures["one_change_p50_ms_single_host" + suffix] = Math.Round(result.P50Ms, 1);
            figures["one_change_p99_ms_single_host" + suffix] = Math.Round(result.P99Ms, 1);
            figures["bytes_written_per_change_single_host" + suffix] = result.BytesPerChange;
            figures["rss_mib_single_host" + suffix] = Math.Round(result.MaxRssMib, 1);
        }

        var small = results[0].Result;
        var large = results[1].Result;
        Console.WriteLine($"growth 1k -> 10k: cold x{large.ColdSeconds / small.ColdSeconds:F1}, change p50 x{large.P50Ms / small.P50Ms:F1}, " +
            $"bytes per change x{(double)large.BytesPerChange / Math.Max(1, small.BytesPerChange):F1}, RSS x{large.MaxRssMib / small.MaxRssMib:F1}");
        Console.WriteLine("not measured: the separate-services run (sidecars, Redis, FRR) and the 50/s churn; their keys are null");
        figures["services"] = 10_000;
        foreach (var key in new[] { "cold_all_announced_s", "one_change_p50_ms", "one_change_p99_ms", "churn_p99_ms", "bytes_written_per_change", "rss_mib_max" })
        {
            figures[key] = null!;
        }

        figures["cold_all_announced_single_host_s"] = Math.Round(large.ColdSeconds, 2);
        figures["rss_mib_single_host"] = Math.Round(large.MaxRssMib, 1);
        return figures;
    }

    private static async Task<SizeResult> RunSizeAsync(string cli, int services, int changes, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("ironlb-scale-");
        try
        {
            var folder = Path.Combine(work.FullName, "config");
            ScaleManifests.Write(folder, services);
            var clock = Stopwatch.StartNew();
            await using var host = ScaleSingleHost.Start(cli, folder, Path.Combine(work.FullName, "state"));
            if (!await host.WaitForAnnouncedAsync(services, ColdTimeout, cancellationToken).ConfigureAwait(false))
            {
                throw new TimeoutException($"{services} Services not all announced within {ColdTimeout}");
            }

            var cold = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"{services} Services: all announced {cold:F2} s after start, RSS {host.MaxRssMib:F0} MiB");
            var latencies = new List<double>();
            var bytes = new List<long>();
            IReadOnlyList<long> lastWrites = [];
            for (var change = 1; change <= changes; change++)
            {
                // Whole seconds of file time can hide a write: start each change on a fresh tick of the clock.
                var since = DateTime.UtcNow;
                var name = "added-" + change.ToString(CultureInfo.InvariantCulture);
                var started = Stopwatch.GetTimestamp();
                await File.WriteAllTextAsync(Path.Combine(folder, name + ".yaml"), ScaleManifests.Service(name), cancellationToken).ConfigureAwait(false);
                if (!await host.WaitForAnnouncedAsync(services + change, ChangeTimeout, cancellationToken).ConfigureAwait(false))
                {
                    throw new TimeoutException($"change {change} not announced within {ChangeTimeout}");
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

                // Let trailing writes of this change (election, status) land before counting its bytes.
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                lastWrites = host.WritesSince(since);
                bytes.Add(lastWrites.Sum());
            }

            latencies.Sort();
            var result = new SizeResult(cold, Percentile(latencies, 0.50), Percentile(latencies, 0.99), (long)bytes.Average(), host.MaxRssMib);
            Console.WriteLine($"{services} Services: one change p50 {result.P50Ms:F0} ms, p99 {result.P99Ms:F0} ms over {changes}; " +
                $"{result.BytesPerChange / 1024.0:F0} KiB written per change; max RSS {result.MaxRssMib:F0} MiB");
            Console.WriteLine($"{services} Services: the last change rewrote {lastWrites.Count} state keys; largest (KiB): " +
                string.Join(", ", lastWrites.Take(4).Select(b => (b / 1024.0).ToString("F1", CultureInfo.InvariantCulture))) +
                " (the configuration and allocation documents are still whole-world; an intents shard is one of the small ones)");
            return result;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<string> BuildCliAsync(string root, CancellationToken cancellationToken)
    {
        // ./ironlb builds the CLI when its sources changed; run it once so no build lands inside a measurement.
        using var build = Process.Start(new ProcessStartInfo(Path.Combine(root, "ironlb"), "--version") { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("could not run ./ironlb");
        await build.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var cli = Path.Combine(root, ".artifacts", "cli", "ironlb");
        return build.ExitCode == 0 && File.Exists(cli) ? cli : throw new InvalidOperationException("./ironlb did not build: " + await build.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IronLb.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    private static int ArgValue(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    private sealed record SizeResult(double ColdSeconds, double P50Ms, double P99Ms, long BytesPerChange, double MaxRssMib);
}
