using System.Diagnostics;
using System.Globalization;
using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;

namespace IronLb.Bench;

/// <summary>IPAM: fill a 65,536-address IPv4 pool, free and refill random halves, allocate a million from an IPv6 /64; against a first-fit linear scan.</summary>
/// <remarks>
/// Every phase is timed in wall time and in processor time of this process. The machine is shared with other
/// work, so speedups are taken from processor time, which neighbours do not inflate.
/// </remarks>
internal sealed class IpamBenchmark : IBenchmark
{
    private const int Fill = 65_536;
    private const int RefillRounds = 2;
    private const int Seed = 20_261_125;

    public string Name => "ipam";

    public string Description => "fill a 65,536-address pool, refill random halves, 1M allocations from an IPv6 /64; baseline: first-fit linear scan (MetalLB's walk)";

    public Task<IReadOnlyDictionary<string, object>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var v6Count = ArgValue(args, "--v6-count", 1_000_000);
        var baselineBudget = TimeSpan.FromSeconds(ArgValue(args, "--baseline-v6-seconds", 20));
        var figures = new Dictionary<string, object>();

        // The in-memory pool: 65,536 consecutive addresses counted numerically from 203.0.113.0. It is only ever
        // a number range here, never a destination.
        var start = IpAddressValue.Parse("203.0.113.0").Value;
        var pool16 = new AddressRange(IpFamily.IPv4, start, start + Fill - 1);

        // Both sides run briefly first so that the measured phases time optimised code, not the JIT's first tier.
        WarmUp(pool16);
        var ours = RunOurs(pool16, cancellationToken);
        if (args.Contains("--skip-baseline"))
        {
            // For quick checks of IronLB's side only; the reported figures then carry no comparison.
            var quick = RunV6(v6Count, cancellationToken);
            Report(figures, "fill16_cpu_s", ours.Fill.Cpu.TotalSeconds);
            Report(figures, "refill16_cpu_s", ours.Refill.Cpu.TotalSeconds);
            Report(figures, "v6_million_allocs_per_s", v6Count / quick.Time.Cpu.TotalSeconds);
            Report(figures, "bytes_per_alloc", quick.RetainedBytesPerAlloc);
            return Task.FromResult<IReadOnlyDictionary<string, object>>(figures);
        }

        var baseline = RunBaseline(pool16, cancellationToken);
        var same = ours.Final.Count == baseline.Final.Count && ours.Final.All(kv => baseline.Final.TryGetValue(kv.Key, out var b) && b == kv.Value);
        Report(figures, "fill16_s", ours.Fill.Wall.TotalSeconds);
        Report(figures, "fill16_cpu_s", ours.Fill.Cpu.TotalSeconds);
        Report(figures, "baseline_fill16_s", baseline.Fill.Wall.TotalSeconds);
        Report(figures, "baseline_fill16_cpu_s", baseline.Fill.Cpu.TotalSeconds);
        Report(figures, "fill16_speedup", baseline.Fill.Cpu / ours.Fill.Cpu);
        Report(figures, "fill16_allocs_per_s", Fill / ours.Fill.Cpu.TotalSeconds);
        Report(figures, "baseline_fill16_allocs_per_s", Fill / baseline.Fill.Cpu.TotalSeconds);
        Report(figures, "refill16_s", ours.Refill.Wall.TotalSeconds);
        Report(figures, "refill16_cpu_s", ours.Refill.Cpu.TotalSeconds);
        Report(figures, "baseline_refill16_s", baseline.Refill.Wall.TotalSeconds);
        Report(figures, "baseline_refill16_cpu_s", baseline.Refill.Cpu.TotalSeconds);
        Report(figures, "refill16_speedup", baseline.Refill.Cpu / ours.Refill.Cpu);
        figures["same_addresses_as_baseline"] = same;

        var v6 = RunV6(v6Count, cancellationToken);
        Report(figures, "v6_allocs", v6Count);
        Report(figures, "v6_million_s", v6.Time.Wall.TotalSeconds);
        Report(figures, "v6_million_cpu_s", v6.Time.Cpu.TotalSeconds);
        Report(figures, "v6_million_allocs_per_s", v6Count / v6.Time.Cpu.TotalSeconds);
        Report(figures, "bytes_per_alloc", v6.RetainedBytesPerAlloc);
        Report(figures, "allocated_bytes_per_alloc", v6.AllocatedBytesPerAlloc);

        var (done, baselineV6) = RunBaselineV6(baselineBudget, cancellationToken);
        Report(figures, "baseline_v6_allocs_done", done);
        Report(figures, "baseline_v6_allocs_per_s", done / baselineV6.Cpu.TotalSeconds);

        // Cost per allocation for 65,536 allocations from pools of very different sizes: flat means it does not grow with the pool.
        foreach (var (label, range) in new[]
        {
            ("2e16", pool16),
            ("2e24", new AddressRange(IpFamily.IPv4, start, start + (1u << 24) - 1)),
            ("2e64", AddressRange.Parse("2001:db8::/64")),
            ("2e96", AddressRange.Parse("2001:db8::/32")),
        })
        {
            Report(figures, "cpu_ns_per_alloc_pool_" + label, NanosecondsPerAllocation(range, cancellationToken));
        }

        return Task.FromResult<IReadOnlyDictionary<string, object>>(figures);
    }

    private static void WarmUp(AddressRange range)
    {
        for (var round = 0; round < 3; round++)
        {
            var allocator = new AddressAllocator([AddressPoolDefinition.Create("warm", [range.ToString()])]);
            var baseline = new IpamLinearScanBaseline(range.First, range.Last, avoidBuggyIps: false);
            var requests = Requests("warm", 20_000, IpFamily.IPv4);
            foreach (var request in requests)
            {
                Require(allocator.Allocate(request).Succeeded);
            }

            foreach (var request in requests.Take(10_000))
            {
                allocator.Release(request.Service);
            }

            foreach (var request in requests.Take(1_000))
            {
                Require(baseline.TryAllocate(request.Service, out _));
                baseline.Release(request.Service);
            }
        }
    }

    private static (Timing Fill, Timing Refill, Dictionary<ServiceKey, UInt128> Final) RunOurs(AddressRange range, CancellationToken cancellationToken)
    {
        var allocator = new AddressAllocator([AddressPoolDefinition.Create("bench", [range.ToString()])]);
        var requests = Requests("fill", Fill, IpFamily.IPv4);
        var meter = Meter.Start();
        foreach (var request in requests)
        {
            Require(allocator.Allocate(request).Succeeded);
        }

        var fill = meter.Stop();
        Console.WriteLine($"ipam: filled {Fill} in {fill}");

        var live = requests.Select(r => r.Service).ToList();
        var random = new Random(Seed);
        var refill = default(Timing);
        for (var round = 0; round < RefillRounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(live));
            var fresh = Requests($"refill{round}-", Fill / 2, IpFamily.IPv4);
            meter = Meter.Start();
            foreach (var service in live.Take(Fill / 2))
            {
                allocator.Release(service);
            }

            foreach (var request in fresh)
            {
                Require(allocator.Allocate(request).Succeeded);
            }

            refill += meter.Stop();
            live = [.. live.Skip(Fill / 2), .. fresh.Select(r => r.Service)];
        }

        Console.WriteLine($"ipam: {RefillRounds} rounds of freeing and refilling a random half in {refill}");
        return (fill, refill, allocator.Assignments.ToDictionary(a => a.Service, a => a.Addresses[0].Value));
    }

    private static (Timing Fill, Timing Refill, Dictionary<ServiceKey, UInt128> Final) RunBaseline(AddressRange range, CancellationToken cancellationToken)
    {
        var baseline = new IpamLinearScanBaseline(range.First, range.Last, avoidBuggyIps: false);
        var services = Requests("fill", Fill, IpFamily.IPv4).Select(r => r.Service).ToList();
        var meter = Meter.Start();
        for (var i = 0; i < services.Count; i++)
        {
            Require(baseline.TryAllocate(services[i], out _));
            if ((i & 0x3FF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        var fill = meter.Stop();
        Console.WriteLine($"baseline: filled {Fill} in {fill}");

        var random = new Random(Seed);
        var refill = default(Timing);
        for (var round = 0; round < RefillRounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(services));
            var fresh = Requests($"refill{round}-", Fill / 2, IpFamily.IPv4).Select(r => r.Service).ToList();
            meter = Meter.Start();
            foreach (var service in services.Take(Fill / 2))
            {
                baseline.Release(service);
            }

            foreach (var service in fresh)
            {
                Require(baseline.TryAllocate(service, out _));
            }

            refill += meter.Stop();
            services = [.. services.Skip(Fill / 2), .. fresh];
        }

        Console.WriteLine($"baseline: {RefillRounds} rounds of freeing and refilling a random half in {refill}");
        var final = new Dictionary<ServiceKey, UInt128>();
        foreach (var service in services)
        {
            baseline.TryGet(service, out var address);
            final[service] = address;
        }

        return (fill, refill, final);
    }

    private static (Timing Time, double RetainedBytesPerAlloc, double AllocatedBytesPerAlloc) RunV6(int count, CancellationToken cancellationToken)
    {
        var requests = Requests("v6-", count, IpFamily.IPv6);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var allocator = new AddressAllocator([AddressPoolDefinition.Create("v6", ["2001:db8::/64"])]);
        var meter = Meter.Start();
        for (var i = 0; i < requests.Length; i++)
        {
            Require(allocator.Allocate(requests[i]).Succeeded);
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        var time = meter.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine($"ipam: {count} IPv6 allocations in {time}, {retained / (double)count:F0} bytes retained each");
        GC.KeepAlive(allocator);
        return (time, retained / (double)count, allocated / (double)count);
    }

    private static (int Done, Timing Time) RunBaselineV6(TimeSpan budget, CancellationToken cancellationToken)
    {
        // The million is out of the baseline's reach (its cost grows with every address already taken); it runs
        // for a fixed budget and its rate is what it reached by then, which only flatters it: it slows further.
        var range = AddressRange.Parse("2001:db8::/64");
        var baseline = new IpamLinearScanBaseline(range.First, range.Last, avoidBuggyIps: false);
        var meter = Meter.Start();
        var clock = Stopwatch.StartNew();
        var done = 0;
        while (clock.Elapsed < budget && !cancellationToken.IsCancellationRequested)
        {
            for (var i = 0; i < 256; i++, done++)
            {
                Require(baseline.TryAllocate(new ServiceKey("v6", done.ToString(CultureInfo.InvariantCulture)), out _));
            }
        }

        var time = meter.Stop();
        Console.WriteLine($"baseline: {done} IPv6 allocations in {time} (budget)");
        return (done, time);
    }

    private static double NanosecondsPerAllocation(AddressRange range, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var allocator = new AddressAllocator([AddressPoolDefinition.Create("scale", [range.ToString()])]);
        var requests = Requests("scale-", Fill, range.Family);
        var meter = Meter.Start();
        foreach (var request in requests)
        {
            Require(allocator.Allocate(request).Succeeded);
        }

        var time = meter.Stop();
        var ns = time.Cpu.TotalNanoseconds / Fill;
        Console.WriteLine($"ipam: pool {range}: {ns:F0} ns of processor time per allocation over {Fill}");
        return ns;
    }

    private static AllocationRequest[] Requests(string prefix, int count, IpFamily family) =>
        [.. Enumerable.Range(0, count).Select(i => AllocationRequest.Simple(new ServiceKey("bench", prefix + i.ToString(CultureInfo.InvariantCulture)), family))];

    private static void Require(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("an allocation the benchmark relies on failed");
        }
    }

    private static int ArgValue(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    private static void Report(Dictionary<string, object> figures, string name, double value) =>
        figures[name] = Math.Round(value, 3);

    /// <summary>Wall time and processor time of one phase.</summary>
    private readonly record struct Timing(TimeSpan Wall, TimeSpan Cpu)
    {
        public static Timing operator +(Timing a, Timing b) => new(a.Wall + b.Wall, a.Cpu + b.Cpu);

        public override string ToString() => $"{Wall.TotalMilliseconds:F1} ms wall, {Cpu.TotalMilliseconds:F1} ms processor";
    }

    /// <summary>Starts timing a phase.</summary>
    private readonly struct Meter
    {
        private readonly long _started;
        private readonly TimeSpan _cpu;

        private Meter(long started, TimeSpan cpu)
        {
            _started = started;
            _cpu = cpu;
        }

        public static Meter Start() => new(Stopwatch.GetTimestamp(), Process.GetCurrentProcess().TotalProcessorTime);

        public Timing Stop() => new(Stopwatch.GetElapsedTime(_started), Process.GetCurrentProcess().TotalProcessorTime - _cpu);
    }
}
