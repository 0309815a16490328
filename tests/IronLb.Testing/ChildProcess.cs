using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace IronLb.Testing;

/// <summary>A process a test started: waits for its ready line, keeps its output for failure messages, stops it by PID.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Match> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Regex _readyPattern;

    private ChildProcess(Process process, Regex readyPattern)
    {
        _process = process;
        _readyPattern = readyPattern;
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> and waits (bounded) until a line of its standard output matches <paramref name="readyPattern"/>.</summary>
    public static async Task<(ChildProcess Process, Match Ready)> StartAsync(
        string fileName, IEnumerable<string> arguments, Regex readyPattern, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, readyPattern);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, isStdout: true);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, isStdout: false);
        process.Exited += (_, _) => child._ready.TrySetException(new InvalidOperationException($"{fileName} exited before it was ready:\n{child.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var match = await child._ready.Task.WaitAsync(timeout);
            return (child, match);
        }
        catch (TimeoutException)
        {
            await child.DisposeAsync();
            throw new TimeoutException($"{fileName} was not ready within {timeout}:\n{child.Output}");
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends SIGTERM by PID and returns the exit code, or null when it had not exited within <paramref name="timeout"/>.</summary>
    public async Task<int?> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            await SignalAsync("-TERM");
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL by PID, as a crash or the OOM killer would end it, and waits (bounded) until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync("-KILL");
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(wait.Token);
    }

    /// <summary>SIGSTOP by PID: the process stalls with whatever it was doing, its sockets still queueing.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>SIGCONT by PID after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    /// <summary>SIGTERM by PID, then SIGKILL if it has not exited within a bounded wait.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await SignalAsync("-TERM");

                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        await kill!.WaitForExitAsync();
    }

    private void OnLine(string? line, bool isStdout)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (isStdout && _readyPattern.Match(line) is { Success: true } match)
        {
            _ready.TrySetResult(match);
        }
    }
}
