using System.Globalization;
using System.Text.Json.Nodes;

namespace IronLb.Testing;

/// <summary>
/// FRR daemons (zebra and bgpd, bfdd when asked) in one network namespace, configured from text in a folder of their
/// own, queried with vtysh, and stopped by PID. Dispose also removes the crash buffers they leave under /var/tmp/frr.
/// </summary>
public sealed class FrrRouter(string netns, string directory) : IDisposable
{
    private const string Bin = "/usr/lib/frr";

    private readonly List<int> _pids = [];
    private readonly List<string> _crashBuffers = [];

    /// <summary>Whether FRR is installed here (apt-get install frr).</summary>
    public static bool IsInstalled => File.Exists(Path.Combine(Bin, "bgpd")) && File.Exists("/usr/bin/vtysh");

    /// <summary>The folder of the configuration, logs, PID files and sockets.</summary>
    public string Directory => directory;

    /// <summary>Starts zebra and bgpd with <paramref name="bgpdConfig"/> (and bfdd with <paramref name="bfddConfig"/> when it is given), stopping any that run.</summary>
    public void Start(string bgpdConfig, string? bfddConfig = null)
    {
        Stop();
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "zebra.conf"), Header("zebra"));
        File.WriteAllText(Path.Combine(directory, "bgpd.conf"), Header("bgpd") + bgpdConfig);
        File.WriteAllText(Path.Combine(directory, "bfdd.conf"), Header("bfdd") + bfddConfig);

        // The daemons drop to the frr user and must reach their folder.
        Shell.Must("chown", "-R", "frr:frr", directory);
        foreach (var daemon in bfddConfig is null ? ["zebra", "bgpd"] : new[] { "zebra", "bfdd", "bgpd" })
        {
            Shell.Must("ip", "netns", "exec", netns, Path.Combine(Bin, daemon), "-d", "-u", "frr", "-g", "frr", "-P", "0",
                "-f", Path.Combine(directory, daemon + ".conf"), "-i", Path.Combine(directory, daemon + ".pid"),
                "-z", Path.Combine(directory, "zserv.api"), "--vty_socket", directory);
            var pid = int.Parse(File.ReadAllText(Path.Combine(directory, daemon + ".pid")).Trim(), CultureInfo.InvariantCulture);
            _pids.Add(pid);
            RememberCrashBuffer(pid);
        }
    }

    public string Vtysh(string command) => Shell.Must("vtysh", "--vty_socket", directory, "--config_dir", directory, "-c", command);

    public JsonNode VtyshJson(string command) => JsonNode.Parse(Vtysh(command)) ?? new JsonObject();

    /// <summary>Stops the daemons by PID (SIGTERM, then SIGKILL after a bounded wait).</summary>
    public void Stop()
    {
        foreach (var pid in _pids)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(5000);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        _pids.Clear();
    }

    public void Dispose()
    {
        Stop();
        foreach (var buffer in _crashBuffers.Where(System.IO.Directory.Exists))
        {
            System.IO.Directory.Delete(buffer, recursive: true);
        }
    }

    private string Header(string daemon) => $"hostname rtr\nlog file {directory}/{daemon}.log informational\n";

    /// <summary>
    /// FRR writes crash buffers to /var/tmp/frr/DAEMON.PID, named by the PID before it daemonized; the daemon keeps
    /// the directory open, so its open files say which one is ours.
    /// </summary>
    private void RememberCrashBuffer(int pid)
    {
        foreach (var fd in System.IO.Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("/var/tmp/frr/", StringComparison.Ordinal))
            {
                _crashBuffers.Add(Path.GetDirectoryName(target) is "/var/tmp/frr" ? target : Path.GetDirectoryName(target)!);
            }
        }
    }
}
