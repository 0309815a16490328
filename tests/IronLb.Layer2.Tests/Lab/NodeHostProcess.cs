using System.Diagnostics;
using System.Text;
using System.Text.Json;
using IronLb.Testing;

namespace IronLb.Layer2.Tests.Lab;

/// <summary>A <see cref="NodeHost"/> running inside a node namespace, driven over its stdin and stdout.</summary>
internal sealed class NodeHostProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private NodeHostProcess(Process process) => _process = process;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The host's PID: `ip netns exec` execs in place.</summary>
    public int Pid => _process.Id;

    /// <summary>Starts the host in <paramref name="netns"/>; `ip netns exec` execs in place, so the PID is the host's own.</summary>
    public static NodeHostProcess Start(string netns, params string[] wrapper)
    {
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "netns", "exec", netns }.Concat(wrapper).Concat([DotnetHost(), "exec", typeof(NodeHost).Assembly.Location, NodeHost.Verb]))
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the node host");
        var host = new NodeHostProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (host._log)
            {
                host._log.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        try
        {
            host.Expect("ready", StartTimeout);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>Runs the host in <paramref name="netns"/> to its end; for start-up failures.</summary>
    public static Shell.Result RunToExit(string netns, params string[] wrapper) =>
        Shell.Run(StartTimeout, "ip", ["netns", "exec", netns, .. wrapper, DotnetHost(), "exec", typeof(NodeHost).Assembly.Location, NodeHost.Verb]);

    public void Apply(params NodeOwned[] owned)
    {
        Send(new NodeCommand(owned));
        Expect("applied", CommandTimeout);
    }

    public long Metric(string name, string ip)
    {
        Send(new NodeCommand(null, name, ip));
        return long.Parse(ReadLine(CommandTimeout), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    _process.Kill();
                    _process.WaitForExit(TimeSpan.FromSeconds(5));
                }
            }
        }
        catch (IOException)
        {
            // stdin already closed because the host died; nothing left to stop.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Send(NodeCommand command)
    {
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(command, NodeCommand.Json));
        _process.StandardInput.Flush();
    }

    private void Expect(string expected, TimeSpan timeout)
    {
        var line = ReadLine(timeout);
        if (line != expected)
        {
            throw new InvalidOperationException($"node host said '{line}' instead of '{expected}'; its log:\n{Log}");
        }
    }

    private string ReadLine(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return _process.StandardOutput.ReadLineAsync(cts.Token).AsTask().GetAwaiter().GetResult()
                ?? throw new InvalidOperationException($"node host exited ({(_process.HasExited ? _process.ExitCode : -1)}); its log:\n{Log}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"node host did not answer within {timeout}; its log:\n{Log}");
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";
}
