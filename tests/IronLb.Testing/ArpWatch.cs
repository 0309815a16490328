using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace IronLb.Testing;

/// <summary>One ARP request a client sent, and the MACs that replied to it before its next request.</summary>
public sealed record ArpProbe(double At, IReadOnlyList<string> ReplyMacs)
{
    /// <summary>Two different nodes answered the same question: the failure fencing exists to prevent.</summary>
    public bool AnsweredTwice => ReplyMacs.Distinct(StringComparer.Ordinal).Count() > 1;
}

/// <summary>
/// A client on the LAN asking for one address every <c>interval</c> (Habets arping), with a capture (tcpdump) on its
/// interface that records every request it sent and every reply it got, by kernel timestamp. Each reply is counted
/// against the request before it, so a probe answered by two MACs or by none is seen, whatever arping makes of it.
/// </summary>
public sealed partial class ArpWatch : IAsyncDisposable
{
    private readonly ChildProcess _capture;
    private readonly ChildProcess _arping;
    private readonly string _clientMac;
    private readonly string _address;

    private ArpWatch(ChildProcess capture, ChildProcess arping, string clientMac, string address)
    {
        _capture = capture;
        _arping = arping;
        _clientMac = clientMac;
        _address = address;
    }

    /// <summary>Starts capturing in <paramref name="netns"/>, then asks for <paramref name="address"/> every <paramref name="interval"/>, for at most <paramref name="duration"/>.</summary>
    public static async Task<ArpWatch> StartAsync(string netns, string device, string clientMac, string address, TimeSpan interval, TimeSpan duration)
    {
        // tcpdump says "listening on" on standard error; the shell folds it into the output the start waits on.
        var (captureFile, captureArgs) = NetworkNamespace.Wrap(netns, "sh", ["-c", $"exec tcpdump -i {device} -nn -e -l --immediate-mode -tt arp 2>&1"]);
        var (capture, _) = await ChildProcess.StartAsync(captureFile, captureArgs, ListeningLine(), TimeSpan.FromSeconds(20));
        try
        {
            var count = (int)Math.Ceiling(duration / interval);
            var (arpingFile, arpingArgs) = NetworkNamespace.Wrap(netns, "arping",
                ["-i", device, "-W", interval.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture), "-c", count.ToString(CultureInfo.InvariantCulture), address]);
            var (arping, _) = await ChildProcess.StartAsync(arpingFile, arpingArgs, AnyLine(), TimeSpan.FromSeconds(20));
            return new ArpWatch(capture, arping, clientMac, address);
        }
        catch
        {
            await capture.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops asking, lets the last replies arrive, stops the capture, and returns every probe in order.</summary>
    public async Task<IReadOnlyList<ArpProbe>> StopAsync()
    {
        await _arping.DisposeAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        await _capture.DisposeAsync();
        return Parse(_capture.Output, _clientMac, _address);
    }

    public async ValueTask DisposeAsync()
    {
        await _arping.DisposeAsync();
        await _capture.DisposeAsync();
    }

    /// <summary>Pairs captured requests and replies: a reply belongs to the latest request sent before it.</summary>
    public static IReadOnlyList<ArpProbe> Parse(string capture, string clientMac, string address)
    {
        var probes = new List<(double At, List<string> Macs)>();
        foreach (var line in capture.Split('\n'))
        {
            var request = Request().Match(line);
            if (request.Success && request.Groups["src"].Value == clientMac && request.Groups["target"].Value == address)
            {
                probes.Add((double.Parse(request.Groups["t"].Value, CultureInfo.InvariantCulture), []));
                continue;
            }

            var reply = Reply().Match(line);
            if (reply.Success && reply.Groups["dst"].Value == clientMac && reply.Groups["ip"].Value == address && probes.Count > 0)
            {
                probes[^1].Macs.Add(reply.Groups["mac"].Value);
            }
        }

        return [.. probes.Select(p => new ArpProbe(p.At, p.Macs))];
    }

    [GeneratedRegex("listening on")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(".")]
    private static partial Regex AnyLine();

    // "1701611234.123456 02:00:00:00:00:64 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 203.0.113.16 tell 192.0.2.100, length 28"
    [GeneratedRegex(@"^(?<t>\d+\.\d+) (?<src>[0-9a-f:]{17}) > [0-9a-f:]{17}, ethertype ARP .*Request who-has (?<target>[0-9.]+) tell")]
    private static partial Regex Request();

    // "1701611234.123556 02:00:00:00:00:11 > 02:00:00:00:00:64, ethertype ARP (0x0806), length 42: Reply 203.0.113.16 is-at 02:00:00:00:00:11, length 28"
    [GeneratedRegex(@"^(?<t>\d+\.\d+) [0-9a-f:]{17} > (?<dst>[0-9a-f:]{17}), ethertype ARP .*Reply (?<ip>[0-9.]+) is-at (?<mac>[0-9a-f:]{17})")]
    private static partial Regex Reply();
}
