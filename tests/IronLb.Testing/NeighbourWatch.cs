using System.Globalization;
using System.Text.RegularExpressions;

namespace IronLb.Testing;

/// <summary>
/// Watches a lab host's kernel neighbour table with `ip -ts monitor neigh`, so the moment an entry changed is taken from
/// the event's own timestamp, not from a coarse poll.
/// </summary>
public sealed partial class NeighbourWatch : IAsyncDisposable
{
    private readonly ChildProcess _monitor;
    private readonly string _address;

    private NeighbourWatch(ChildProcess monitor, string address)
    {
        _monitor = monitor;
        _address = address;
    }

    public static async Task<NeighbourWatch> StartAsync(string netns, string address)
    {
        // `ip monitor` prints nothing until an event; a shell prints a line first so the start can be awaited.
        var (file, arguments) = NetworkNamespace.Wrap(netns, "sh", ["-c", "echo watching; exec ip -ts monitor neigh"]);
        var (monitor, _) = await ChildProcess.StartAsync(file, arguments, Watching(), TimeSpan.FromSeconds(20));
        return new NeighbourWatch(monitor, address);
    }

    /// <summary>The first moment after <paramref name="since"/> (local time, as ip prints it) at which the entry named <paramref name="mac"/>.</summary>
    public DateTime? FirstChangeTo(string mac, DateTime since)
    {
        foreach (Match match in Event().Matches(_monitor.Output))
        {
            if (match.Groups["ip"].Value != _address || match.Groups["mac"].Value != mac)
            {
                continue;
            }

            var at = DateTime.ParseExact(match.Groups["t"].Value, "yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            if (at >= since)
            {
                return at;
            }
        }

        return null;
    }

    /// <summary>The first moment after <paramref name="since"/> at which the entry named a MAC other than <paramref name="mac"/>, and that MAC.</summary>
    public (DateTime At, string Mac)? FirstChangeAwayFrom(string mac, DateTime since)
    {
        foreach (Match match in Event().Matches(_monitor.Output))
        {
            var at = DateTime.ParseExact(match.Groups["t"].Value, "yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
            if (match.Groups["ip"].Value == _address && match.Groups["mac"].Value != mac && at >= since)
            {
                return (at, match.Groups["mac"].Value);
            }
        }

        return null;
    }

    /// <summary>Waits (bounded) until the entry names <paramref name="mac"/> after <paramref name="since"/>; the event's time, or null.</summary>
    public async Task<DateTime?> WaitForChangeToAsync(string mac, DateTime since, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!deadline.IsCancellationRequested)
        {
            if (FirstChangeTo(mac, since) is { } at)
            {
                return at;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return FirstChangeTo(mac, since);
    }

    public ValueTask DisposeAsync() => _monitor.DisposeAsync();

    [GeneratedRegex("^watching$")]
    private static partial Regex Watching();

    // "[2026-12-03T14:43:02.431533] 192.0.2.5 dev v0 lladdr 02:00:00:00:00:06 REACHABLE"
    [GeneratedRegex(@"\[(?<t>[0-9T:.\-]+)\] (?<ip>[0-9a-f.:]+) dev \S+ lladdr (?<mac>[0-9a-f:]{17})")]
    private static partial Regex Event();
}
