using System.Diagnostics;

namespace IronLb.Testing;

/// <summary>Runs a lab command (ip, arping, ndisc6, ping) to completion with a deadline; a command past it is killed by PID.</summary>
public static class Shell
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(TimeSpan timeout, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(5));
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}");
        }

        process.WaitForExit();
        return new Result(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    /// <summary>Runs a setup command that must succeed within 30 seconds; returns its standard output.</summary>
    public static string Must(string file, params string[] args) => Must(TimeSpan.FromSeconds(30), file, args);

    /// <summary>Runs a command that must succeed within <paramref name="timeout"/>; returns its standard output.</summary>
    public static string Must(TimeSpan timeout, string file, params string[] args)
    {
        var result = Run(timeout, file, args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({result.ExitCode}): {result.Error}{result.Output}");
        }

        return result.Output;
    }

    public static bool IsOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin")
            .Any(dir => File.Exists(Path.Combine(dir, tool)));
}
