using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using IronLb.Testing;

namespace IronLb.Bench;

/// <summary>
/// The failover baseline: keepalived (Debian) holding the same address on three namespaced nodes of one LAN, with a
/// client watching its neighbour entry. One keepalived per node, in the foreground with pid files of its own; its VRRP
/// child is killed with the parent, as a crash would end both. Torn down in <see cref="DisposeAsync"/>.
/// </summary>
internal sealed partial class KeepalivedLab : IAsyncDisposable
{
    private const string Vip = FailoverLab.Vip;
    private readonly NamespaceLan _lan = new("ilbka");
    private readonly Dictionary<string, string> _ports = [];
    private readonly Dictionary<string, ChildProcess> _daemons = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-keepalived-").FullName;
    private readonly int _version;
    private readonly string _advert;

    public KeepalivedLab(int version, string advert)
    {
        _version = version;
        _advert = advert;
        _lan.AddSegment("br0");
        _lan.Add("client");
        _ports["client"] = _lan.Attach("client", "eth0", "br0", FailoverLab.ClientMac, "192.0.2.100/24");
        Shell.Must("ip", "-n", Client, "route", "add", "203.0.113.0/24", "dev", "eth0");
        foreach (var node in Nodes)
        {
            _lan.Add(node);
            _ports[node] = _lan.Attach(node, "eth0", "br0", FailoverLab.MacOf(node), "192.0.2." + (10 + Index(node)).ToString(CultureInfo.InvariantCulture) + "/24");
        }
    }

    public static IReadOnlyList<string> Nodes { get; } = ["node-1", "node-2", "node-3"];

    public string Client => _lan.Namespace("client");

    private static int Index(string node) => int.Parse(node["node-".Length..], CultureInfo.InvariantCulture);

    /// <summary>Starts keepalived on every node not running it, highest priority on node-1.</summary>
    public async Task StartAsync()
    {
        foreach (var node in Nodes.Where(n => !_daemons.ContainsKey(n)))
        {
            var config = Path.Combine(_directory, node + ".conf");
            await File.WriteAllTextAsync(config, $$"""
                global_defs {
                  vrrp_version {{_version}}
                }
                vrrp_instance lab {
                  state BACKUP
                  interface eth0
                  virtual_router_id 51
                  priority {{110 - (10 * Index(node))}}
                  advert_int {{_advert}}
                  virtual_ipaddress {
                    {{Vip}}/32 dev eth0
                  }
                }

                """);
            // keepalived logs to standard error with -l; the shell folds it into the output the start waits on.
            var command = $"exec keepalived -n -P -l -D -G -f {config} -p {Path.Combine(_directory, node + ".pid")} -r {VrrpPidFile(node)} 2>&1";
            var (file, arguments) = NetworkNamespace.Wrap(_lan.Namespace(node), "sh", ["-c", command]);
            var (daemon, _) = await ChildProcess.StartAsync(file, arguments, AnyLine(), TimeSpan.FromSeconds(20));
            _daemons[node] = daemon;
        }
    }

    private string VrrpPidFile(string node) => Path.Combine(_directory, node + ".vrrp.pid");

    /// <summary>The node the client's kernel names for the address after one ping, or null.</summary>
    public string? OwnerSeenByClient()
    {
        Shell.Run(TimeSpan.FromSeconds(5), "ip", "netns", "exec", Client, "ping", "-c", "1", "-W", "1", Vip);
        var mac = NeighbourProbe.NeighbourMac(Client, Vip);
        return Nodes.FirstOrDefault(n => FailoverLab.MacOf(n) == mac);
    }

    /// <summary>SIGKILL of keepalived and its VRRP child, by PID. keepalived leaves the address on the interface.</summary>
    public async Task KillAsync(string node)
    {
        int? child = File.Exists(VrrpPidFile(node)) && int.TryParse(File.ReadAllText(VrrpPidFile(node)).Trim(), out var pid) ? pid : null;
        if (child is { } vrrp)
        {
            Shell.Run(TimeSpan.FromSeconds(5), "kill", "-KILL", vrrp.ToString(CultureInfo.InvariantCulture));
        }

        await _daemons[node].KillAsync();
        await _daemons[node].DisposeAsync();
        _daemons.Remove(node);

        // A keepalived started again refuses to run ("daemon is already running") while the PID in its VRRP pid file
        // still exists, and a killed child lingers as a zombie until it is reaped: wait until it is gone.
        var clock = Stopwatch.StartNew();
        while (child is { } gone && Directory.Exists("/proc/" + gone.ToString(CultureInfo.InvariantCulture)) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        File.Delete(VrrpPidFile(node));
        File.Delete(Path.Combine(_directory, node + ".pid"));
        Shell.Run(TimeSpan.FromSeconds(5), "ip", "-n", _lan.Namespace(node), "addr", "del", Vip + "/32", "dev", "eth0");
    }

    public async Task<bool> TerminateAsync(string node)
    {
        var ok = await _daemons[node].TerminateAsync(TimeSpan.FromSeconds(10)) is not null;
        await _daemons[node].DisposeAsync();
        _daemons.Remove(node);
        return ok;
    }

    public void SetLink(string node, bool up) => _lan.SetPort(_ports[node], up);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _daemons.Keys.ToList())
        {
            await KillAsync(node);
        }

        _lan.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [GeneratedRegex(".")]
    private static partial Regex AnyLine();
}
