using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace IronLb.Bench;

/// <summary>One `ironlb run --dry-run` process on a generated manifests folder, watched through its bgp agent's log.</summary>
/// <remarks>
/// "Announced" here is the bgp agent's own word: the line it logs when it applied intents, with the number of prefixes
/// this node announces (in dry run there is no BGP session to count routes on). RSS is sampled from /proc.
/// Bytes written are the sizes of the state files rewritten during a change (the file store rewrites a key whole).
/// </remarks>
internal sealed partial class ScaleSingleHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<int> _applied = Channel.CreateUnbounded<int>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _maxRssKib;

    private ScaleSingleHost(Process process, string folder, string state)
    {
        _process = process;
        Folder = folder;
        State = state;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _sampler = SampleRssAsync(_stop.Token);
    }

    public string Folder { get; }

    public string State { get; }

    /// <summary>Largest RSS seen so far, in MiB.</summary>
    public double MaxRssMib => Interlocked.Read(ref _maxRssKib) / 1024.0;

    /// <summary>Starts the CLI (built by ./ironlb beforehand) on <paramref name="folder"/> with a fresh state folder.</summary>
    public static ScaleSingleHost Start(string cli, string folder, string state)
    {
        var info = new ProcessStartInfo(cli)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "run", "--config", folder, "--node", "node1", "--dry-run", "--state", state, "--listen", "127.0.0.1:0" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__IronLb.Bgp.Announcements.BgpAgent"] = "Information";
        return new ScaleSingleHost(Process.Start(info) ?? throw new InvalidOperationException("could not start " + cli), folder, state);
    }

    /// <summary>Waits until the bgp agent announces at least <paramref name="count"/> prefixes; false when the wait runs out.</summary>
    public async Task<bool> WaitForAnnouncedAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            while (true)
            {
                if (await _applied.Reader.ReadAsync(bounded.Token).ConfigureAwait(false) >= count)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The sizes of the state files written at or after <paramref name="since"/>, largest first.</summary>
    public IReadOnlyList<long> WritesSince(DateTime since) =>
        [.. new DirectoryInfo(State).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => f.LastWriteTimeUtc >= since).Select(f => f.Length).OrderDescending()];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sampler.ConfigureAwait(false);
        if (!_process.HasExited)
        {
            // SIGTERM by PID, so the process withdraws and exits cleanly; killed after a bound.
            Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(exit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        _stop.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is not null && AppliedLine().Match(line) is { Success: true } match)
        {
            _applied.Writer.TryWrite(int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture));
        }
    }

    private async Task SampleRssAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            do
            {
                if (ReadRssKib(_process.Id) is { } rss && rss > Interlocked.Read(ref _maxRssKib))
                {
                    Interlocked.Exchange(ref _maxRssKib, rss);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    /// <summary>VmRSS of a process in KiB, from /proc/PID/status; null once it is gone.</summary>
    internal static long? ReadRssKib(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // The process ended.
        }

        return null;
    }

    [GeneratedRegex(@"Intents version \d+: (\d+) prefixes to announce")]
    private static partial Regex AppliedLine();
}
