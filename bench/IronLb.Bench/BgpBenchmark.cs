using System.Diagnostics;
using System.Globalization;
using System.Net;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronLb.Bench;

/// <summary>
/// 100,000 IPv6 /128s delivered to FRR over one eBGP session: IronLB's speaker against GoBGP's table transfer of the
/// same prefixes, each measured from the moment FRR reports the session Established until FRR counts every prefix.
/// Both speakers run as their own process in the node namespace, so their peak RSS is comparable.
/// </summary>
internal sealed class BgpBenchmark : IBenchmark
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    public string Name => "bgp";

    public string Description => "100k IPv6 /128s to FRR: IronLB speaker vs GoBGP table transfer (time from Established, peak RSS)";

    public async Task<IReadOnlyDictionary<string, object>> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length > 0 && args[0] == "--speaker")
        {
            return await RunSpeakerAsync(int.Parse(args[1], CultureInfo.InvariantCulture), cancellationToken);
        }

        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var prefixes = Prefixes(count);
        using var lab = new BgpBenchLab();

        lab.StartFrr();
        var (ironSeconds, ironRss) = await MeasureIronLbAsync(lab, count, cancellationToken);
        Console.Error.WriteLine($"ironlb: {count} prefixes in {ironSeconds:F3} s, peak RSS {ironRss:F1} MiB");

        lab.StartFrr();
        var (goSeconds, goRss) = await MeasureGoBgpAsync(lab, prefixes, cancellationToken);
        Console.Error.WriteLine($"gobgp:  {count} prefixes in {goSeconds:F3} s, peak RSS {goRss:F1} MiB");

        return new Dictionary<string, object>
        {
            ["prefixes"] = count,
            ["ironlb_s"] = Math.Round(ironSeconds, 3),
            ["gobgp_s"] = Math.Round(goSeconds, 3),
            ["time_ratio"] = Math.Round(ironSeconds / goSeconds, 3),
            ["ironlb_rss_mib"] = Math.Round(ironRss, 1),
            ["gobgp_rss_mib"] = Math.Round(goRss, 1),
        };
    }

    /// <summary>2001:db8:100::/48 host routes, the same set for both speakers.</summary>
    private static List<IPNetwork> Prefixes(int count)
    {
        var prefixes = new List<IPNetwork>(count);
        var bytes = IPAddress.Parse("2001:db8:100::").GetAddressBytes();
        for (var i = 1; i <= count; i++)
        {
            bytes[12] = (byte)(i >> 24);
            bytes[13] = (byte)(i >> 16);
            bytes[14] = (byte)(i >> 8);
            bytes[15] = (byte)i;
            prefixes.Add(new IPNetwork(new IPAddress(bytes), 128));
        }

        return prefixes;
    }

    /// <summary>Polls FRR from Established until every prefix is counted; returns the seconds in between.</summary>
    private static async Task<double> TimeDeliveryAsync(BgpBenchLab lab, int count, CancellationToken cancellationToken)
    {
        var overall = Stopwatch.StartNew();
        Stopwatch? sinceEstablished = null;
        while (overall.Elapsed < Deadline)
        {
            var (established, received) = lab.Neighbor();
            if (established && sinceEstablished is null)
            {
                sinceEstablished = Stopwatch.StartNew();
            }

            if (sinceEstablished is not null && received >= count)
            {
                return sinceEstablished.Elapsed.TotalSeconds;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        throw new TimeoutException($"FRR did not receive {count} prefixes within {Deadline}");
    }

    private static async Task<(double Seconds, double RssMib)> MeasureIronLbAsync(BgpBenchLab lab, int count, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ip");
        foreach (var arg in new[] { "netns", "exec", lab.Node, Environment.ProcessPath!, typeof(BgpBenchmark).Assembly.Location, "bgp", "--speaker", count.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        // `ip netns exec` execs the command, so this PID is the speaker process itself.
        using var speaker = Process.Start(start)!;
        try
        {
            var seconds = await TimeDeliveryAsync(lab, count, cancellationToken);
            var rss = BgpBenchLab.PeakRssMib(speaker.Id);
            return (seconds, rss);
        }
        finally
        {
            BgpBenchLab.Kill(speaker.Id);
        }
    }

    private static async Task<(double Seconds, double RssMib)> MeasureGoBgpAsync(BgpBenchLab lab, List<IPNetwork> prefixes, CancellationToken cancellationToken)
    {
        var config = Path.Combine(lab.Dir, "gobgpd.toml");
        File.WriteAllText(config, $"""
            [global.config]
              as = 64501
              router-id = "192.0.2.11"
            [[neighbors]]
              [neighbors.config]
                neighbor-address = "{BgpBenchLab.RouterV6}"
                peer-as = 64500
                admin-down = true
              [neighbors.timers.config]
                connect-retry = 1
                hold-time = 9
                keepalive-interval = 3
              [[neighbors.afi-safis]]
                [neighbors.afi-safis.config]
                  afi-safi-name = "ipv6-unicast"

            """);
        var mrt = Path.Combine(lab.Dir, "routes.mrt");
        BgpMrtWriter.Write(mrt, prefixes, IPAddress.Parse(BgpBenchLab.NodeV6), padding: 3000);

        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", lab.Node, "gobgpd", "-f", config, "-t", "toml", "-l", "warn", "--api-hosts", "127.0.0.1:50051", "--pprof-disable" })
        {
            start.ArgumentList.Add(arg);
        }

        using var gobgpd = Process.Start(start)!;
        _ = gobgpd.StandardOutput.ReadToEndAsync(cancellationToken);
        _ = gobgpd.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            // Preload the RIB while the neighbour is administratively down, then measure only the table transfer.
            await EventuallyAsync(() => TryRun("ip", "netns", "exec", lab.Node, "gobgp", "global", "rib", "summary", "-a", "ipv6") is not null, cancellationToken);
            BgpBenchLab.Run("ip", "netns", "exec", lab.Node, "gobgp", "mrt", "inject", "global", mrt);
            await EventuallyAsync(() => TryRun("ip", "netns", "exec", lab.Node, "gobgp", "global", "rib", "summary", "-a", "ipv6")?.Contains($"Destination: {prefixes.Count},", StringComparison.Ordinal) == true, cancellationToken);
            BgpBenchLab.Run("ip", "netns", "exec", lab.Node, "gobgp", "neighbor", BgpBenchLab.RouterV6, "enable");
            var seconds = await TimeDeliveryAsync(lab, prefixes.Count, cancellationToken);
            return (seconds, BgpBenchLab.PeakRssMib(gobgpd.Id));
        }
        finally
        {
            BgpBenchLab.Kill(gobgpd.Id);
        }
    }

    /// <summary>The child process: one speaker in the node namespace announcing the prefixes until it is killed.</summary>
    private static async Task<IReadOnlyDictionary<string, object>> RunSpeakerAsync(int count, CancellationToken cancellationToken)
    {
        var routes = Prefixes(count).Select(p => new PeerAnnouncement(new Announcement(p, RouteAttributes.Default), [])).ToList();
        using var loggers = Environment.GetEnvironmentVariable("IRONLB_BENCH_LOG") is null
            ? (ILoggerFactory)new NullLoggerFactory()
            : LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug));
        await using var speaker = new BgpSpeaker(new BgpSpeakerSettings { ListenEndpoint = null }, null, TimeProvider.System, loggers);
        speaker.SetAnnouncements(routes);
        routes = null;
        await speaker.SetPeersAsync([new BgpPeerSettings
        {
            LocalAsn = 64501,
            PeerAsn = 64500,
            PeerAddress = IPAddress.Parse(BgpBenchLab.RouterV6),
            RouterId = 0xC000020B,
            HoldTime = TimeSpan.FromSeconds(9),
            KeepaliveTime = TimeSpan.FromSeconds(3),
            ConnectRetryTime = TimeSpan.FromSeconds(1),
            Families = [BgpFamily.Ipv6Unicast],
        }], cancellationToken);
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return new Dictionary<string, object>();
    }

    private static string? TryRun(string file, params string[] args)
    {
        try
        {
            return BgpBenchLab.Run(file, args);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task EventuallyAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        var overall = Stopwatch.StartNew();
        while (!condition())
        {
            if (overall.Elapsed > Deadline)
            {
                throw new TimeoutException("the benchmark lab did not reach the expected state");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
