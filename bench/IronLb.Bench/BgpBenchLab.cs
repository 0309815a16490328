using System.Diagnostics;
using System.Globalization;
using IronLb.Testing;

namespace IronLb.Bench;

/// <summary>
/// The benchmark's network: a router namespace running FRR (zebra + bgpd) and one node namespace on a shared
/// bridge, all under a per-run name prefix; Dispose kills every process it started by PID and deletes the namespaces.
/// </summary>
internal sealed class BgpBenchLab : IDisposable
{
    public const string RouterV6 = "2001:db8:1::1";
    public const string NodeV6 = "2001:db8:1::11";
    private readonly List<string> _namespaces = [];
    private readonly FrrRouter _frr;

    public BgpBenchLab()
    {
        Prefix = "ilbb" + Guid.NewGuid().ToString("N")[..6];
        Dir = Path.Combine(Path.GetTempPath(), Prefix);
        Directory.CreateDirectory(Dir);
        _frr = new FrrRouter(Rtr, Path.Combine(Dir, "frr"));
        var lan = Prefix + "-lan";
        Add(lan);
        Run("ip", "-n", lan, "link", "add", "br0", "type", "bridge");
        Run("ip", "-n", lan, "link", "set", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "0");
        Run("ip", "-n", lan, "link", "set", "br0", "up");
        foreach (var (ns, port, v6, v4) in new[] { (Rtr, "p0", RouterV6, "192.0.2.1"), (Node, "p1", NodeV6, "192.0.2.11") })
        {
            Add(ns);
            Run("ip", "link", "add", port, "netns", lan, "type", "veth", "peer", "name", "eth0", "netns", ns);
            Run("ip", "-n", lan, "link", "set", port, "master", "br0", "up");
            Run("ip", "-n", ns, "link", "set", "eth0", "up");
            Run("ip", "-n", ns, "addr", "add", v4 + "/24", "dev", "eth0");
            Run("ip", "-n", ns, "addr", "add", v6 + "/64", "dev", "eth0", "nodad");
        }
    }

    public string Prefix { get; }

    public string Dir { get; }

    public string Rtr => Prefix + "-rtr";

    public string Node => Prefix + "-n1";

    /// <summary>Starts a fresh FRR whose only neighbour is the node over IPv6.</summary>
    public void StartFrr() => _frr.Start($"""
        router bgp 64500
         bgp router-id 192.0.2.1
         no bgp ebgp-requires-policy
         timers bgp 3 9
         neighbor {NodeV6} remote-as 64501
         neighbor {NodeV6} timers connect 1
         address-family ipv6 unicast
          neighbor {NodeV6} activate
         exit-address-family

        """);

    public void StopFrr() => _frr.Stop();

    /// <summary>FRR's view of the node's session: its state and how many prefixes it has received.</summary>
    public (bool Established, long Received) Neighbor()
    {
        var peer = _frr.VtyshJson("show bgp ipv6 unicast summary json")["peers"]?[NodeV6];
        return (peer?["state"]?.GetValue<string>() == "Established", peer?["pfxRcd"]?.GetValue<long>() ?? 0);
    }

    public static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            process.WaitForExit(10_000);
        }
        catch (ArgumentException)
        {
        }
    }

    /// <summary>Peak resident memory (VmHWM) of a process, in MiB.</summary>
    public static double PeakRssMib(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Runs a command that must succeed within two minutes (loading GoBGP's table takes a while); returns its output.</summary>
    public static string Run(string file, params string[] args) => Shell.Must(TimeSpan.FromMinutes(2), file, args);

    public void Dispose()
    {
        _frr.Dispose();
        foreach (var ns in _namespaces)
        {
            try
            {
                Run("ip", "netns", "delete", ns);
            }
            catch (InvalidOperationException)
            {
            }
        }

        Directory.Delete(Dir, recursive: true);
    }

    private void Add(string ns)
    {
        Run("ip", "netns", "add", ns);
        _namespaces.Add(ns);
        Run("ip", "-n", ns, "link", "set", "lo", "up");
    }
}
