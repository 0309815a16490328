using System.Diagnostics.Metrics;
using System.Net;
using IronLb.Layer2.Announcing;
using IronLb.Layer2.Capture;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronLb.Bench;

/// <summary>Runs inside the node namespace: the real announcer (SharpPcap, system clock) owning the benchmark's
/// addresses until stdin closes; a "stats" line on stdin makes it print its allocation and GC counts.</summary>
internal static class Layer2BenchNode
{
    public static async Task RunAsync(IReadOnlyList<IPAddress> owned, bool readerPerCpu, CancellationToken cancellationToken)
    {
        var options = Options.Create(new Layer2AnnouncerOptions { ReaderPerCpu = readerPerCpu });
        using var loggerFactory = LoggerFactory.Create(b => b
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning));
        using var meters = new OwnMeterFactory();
        await using var announcer = new Layer2Announcer(
            options,
            new PcapLinkLayer(loggerFactory.CreateLogger<PcapLinkLayer>(), options),
            new Layer2Metrics(meters),
            TimeProvider.System,
            loggerFactory.CreateLogger<Layer2Announcer>());
        await announcer.StartAsync(cancellationToken);
        announcer.ApplyOwnership(owned.Select(a => new OwnedAddress(a, ["eth0"], 1)).ToList());
        Console.WriteLine("ready");
        while (await Console.In.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line == "stats")
            {
                Console.WriteLine(FormattableString.Invariant($"{GC.GetTotalAllocatedBytes(precise: true)} {GC.CollectionCount(0)} {GC.CollectionCount(2)}"));
            }
        }

        await announcer.StopAsync(cancellationToken);
    }

    private sealed class OwnMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
