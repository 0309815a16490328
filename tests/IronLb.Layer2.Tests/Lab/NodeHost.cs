using System.Net;
using System.Text.Json;
using IronLb.Layer2.Announcing;
using IronLb.Layer2.Capture;
using IronLb.Layer2.Tests.Announcing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronLb.Layer2.Tests.Lab;

/// <summary>The test assembly's entry point: hosts one real announcer (SharpPcap, system clock) inside a node namespace
/// and takes ownership updates on stdin, one JSON line each, answering "applied" once ApplyOwnership has returned.</summary>
/// <remarks>A process rather than a setns(2) thread: the announcer reads interfaces through sysfs and netlink and runs
/// timers on pool threads, all of which must see the node's namespace, and `ip netns exec` gives the process exactly
/// that (its own sysfs mount included). The lab is then also what production is: one announcer per network stack.</remarks>
internal static class NodeHost
{
    public const string Verb = "node-host";

    public static async Task<int> Main(string[] args)
    {
        if (args is not [Verb])
        {
            await Console.Error.WriteLineAsync($"usage: dotnet IronLb.Layer2.Tests.dll {Verb}   (started by the namespace tests inside a node namespace)");
            return 2;
        }

        using var loggerFactory = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => o.TimestampFormat = "HH:mm:ss.fff ")
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Information));
        using var meters = new SingleMeterFactory();
        using var metrics = new MetricRecorder(meters.Meter);
        var options = Options.Create(new Layer2AnnouncerOptions
        {
            GratuitousCount = 3,
            GratuitousInterval = TimeSpan.FromMilliseconds(500),
            InterfaceRefreshInterval = TimeSpan.FromSeconds(1),
        });
        await using var announcer = new Layer2Announcer(
            options,
            new PcapLinkLayer(loggerFactory.CreateLogger<PcapLinkLayer>(), options),
            new Layer2Metrics(meters),
            TimeProvider.System,
            loggerFactory.CreateLogger<Layer2Announcer>());
        try
        {
            await announcer.StartAsync(CancellationToken.None);
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }

        Console.WriteLine("ready");

        while (await Console.In.ReadLineAsync() is { } line && line != "quit")
        {
            var command = JsonSerializer.Deserialize<NodeCommand>(line, NodeCommand.Json)!;
            if (command.Metric is { } metric)
            {
                Console.WriteLine(metrics.Total(metric, command.Ip).ToString(System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            announcer.ApplyOwnership(command.Owned!.Select(o => new OwnedAddress(IPAddress.Parse(o.Address), o.Interfaces, o.Epoch)).ToList());
            Console.WriteLine("applied");
        }

        await announcer.StopAsync(CancellationToken.None);
        return 0;
    }
}

/// <summary>One line on the node host's stdin: an ownership set to apply, or a metric to read.</summary>
internal sealed record NodeCommand(IReadOnlyList<NodeOwned>? Owned, string? Metric = null, string? Ip = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>An owned address as the node host receives it.</summary>
internal sealed record NodeOwned(string Address, string[] Interfaces, long Epoch);
