using System.Diagnostics;
using System.Text.Json.Nodes;
using IronLb.Testing;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>
/// A throwaway network: namespaces "PREFIX-lan" (a bridge), "PREFIX-rtr" (FRR: zebra, bgpd, optionally bfdd) and
/// node namespaces on 192.0.2.0/24 and 2001:db8:1::/64. The prefix is unique per run; Dispose tears everything
/// down, killing daemons by PID, also when the test failed.
/// </summary>
internal sealed class Lab : IDisposable
{
    /// <summary>Lab tests run one at a time: BFD and hold timers are real time, and two FRRs at once starve a 2-CPU machine.</summary>
    public const string Collection = "lab";

    public const string RouterV4 = "192.0.2.1";
    public const string RouterV6 = "2001:db8:1::1";
    public const int RouterAsn = 64500;

    private readonly List<string> _namespaces = [];

    static Lab()
    {
        // Run blocks its thread until ip or vtysh exits, and the tests call it from pool threads while the speaker's
        // BFD timers need the same pool. With the default minimum (one thread a core) a 50 ms echo timer was seen
        // firing 880 ms late behind four queued work items; enough threads up front keep real-time timers on time.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
    }

    private readonly FrrRouter _frr;

    public Lab(params int[] nodes)
    {
        Prefix = "ilb" + Guid.NewGuid().ToString("N")[..6];
        Dir = Path.Combine(Path.GetTempPath(), Prefix);
        Directory.CreateDirectory(Dir);
        _frr = new FrrRouter(Rtr, FrrDir);
        try
        {
            Build(nodes);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Prefix { get; }

    public string Dir { get; }

    public string FrrDir => Path.Combine(Dir, "frr");

    public string Rtr => Prefix + "-rtr";

    public static string NodeV4(int node) => $"192.0.2.{10 + node}";

    public static string NodeV6(int node) => $"2001:db8:1::{10 + node}";

    public string Node(int node) => $"{Prefix}-n{node}";

    /// <summary>Why the interop tests cannot run here, or null when they can.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "interop tests need root on Linux (network namespaces)";
        }

        return FrrRouter.IsInstalled ? null : "FRR is not installed (apt-get install frr)";
    }

    /// <summary>
    /// Starts zebra and bgpd (and bfdd when asked, with <paramref name="bfddConfig"/>) in the router namespace with
    /// <paramref name="bgpdConfig"/>.
    /// </summary>
    public void StartFrr(string bgpdConfig, bool bfd = false, string bfddConfig = "") => _frr.Start(bgpdConfig, bfd ? bfddConfig : null);

    public string Vtysh(string command) => _frr.Vtysh(command);

    public JsonNode VtyshJson(string command) => _frr.VtyshJson(command);

    /// <summary>FRR's BGP paths to <paramref name="prefix"/> in "ipv4" or "ipv6" unicast.</summary>
    public JsonArray BgpPaths(string family, string prefix) =>
        VtyshJson($"show bgp {family} unicast {prefix} json")["paths"] as JsonArray ?? [];

    /// <summary>Whether FRR's only IPv4 path to <paramref name="prefix"/> is stale (graceful restart); null unless there is exactly one.</summary>
    public bool? SinglePathStale(string prefix) => BgpPaths("ipv4", prefix) is [{ } path] ? path["stale"]?.GetValue<bool>() == true : null;

    /// <summary>Polls FRR until <paramref name="condition"/> holds; bounded in tries and time. Returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 0; attempt < 2000 && deadline.Elapsed < within; attempt++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(50, cancellationToken);
        }

        return condition();
    }

    /// <summary>Runs a command to completion and returns its standard output; throws on a non-zero exit.</summary>
    public static string Run(string file, params string[] args) => Shell.Must(file, args);

    /// <summary>
    /// Adds node <paramref name="node"/> two hops from the router: "PREFIX-hop" sits on the LAN (192.0.2.5) and routes
    /// 198.51.100.0/24, where the node is 198.51.100.10. Returns the node's address.
    /// </summary>
    public string AddFarNode(int node)
    {
        var hop = Prefix + "-hop";
        AddNamespace(hop);
        Attach(hop, "p9", "192.0.2.5", "2001:db8:1::5");
        AddNamespace(Node(node));
        Run("ip", "link", "add", "down0", "netns", hop, "type", "veth", "peer", "name", "eth0", "netns", Node(node));
        Run("ip", "-n", hop, "addr", "add", "198.51.100.1/24", "dev", "down0");
        Run("ip", "-n", hop, "link", "set", "down0", "up");
        Run("ip", "-n", Node(node), "addr", "add", "198.51.100.10/24", "dev", "eth0");
        Run("ip", "-n", Node(node), "link", "set", "eth0", "up");
        Run("ip", "-n", Node(node), "route", "add", "default", "via", "198.51.100.1");
        Run("ip", "netns", "exec", hop, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Run("ip", "-n", Rtr, "route", "add", "198.51.100.0/24", "via", "192.0.2.5");
        return "198.51.100.10";
    }

    /// <summary>
    /// Adds "PREFIX-rtr2", a second router with the same address as the first (192.0.2.1), on a link of its own to
    /// node <paramref name="node"/>, whose end is "eth1" (192.0.2.11 again): the same router address twice, as in two VRFs.
    /// Returns the namespace.
    /// </summary>
    public string AddTwinRouter(int node)
    {
        var twin = Prefix + "-rtr2";
        AddNamespace(twin);
        Run("ip", "link", "add", "eth0", "netns", twin, "type", "veth", "peer", "name", "eth1", "netns", Node(node));
        Run("ip", "-n", twin, "addr", "add", RouterV4 + "/24", "dev", "eth0");
        Run("ip", "-n", twin, "link", "set", "eth0", "up");
        Run("ip", "-n", Node(node), "addr", "add", NodeV4(node) + "/24", "dev", "eth1");
        Run("ip", "-n", Node(node), "link", "set", "eth1", "up");
        return twin;
    }

    /// <summary>Puts a node's interface into a new VRF device; false when this kernel has no VRF support (no vrf module).</summary>
    public bool TryAddVrf(int node, string device, string vrf, int table)
    {
        if (Shell.Run(TimeSpan.FromSeconds(30), "ip", "-n", Node(node), "link", "add", vrf, "type", "vrf", "table", table.ToString(System.Globalization.CultureInfo.InvariantCulture)).ExitCode != 0)
        {
            return false;
        }

        Run("ip", "-n", Node(node), "link", "set", vrf, "up");
        Run("ip", "-n", Node(node), "link", "set", device, "master", vrf);
        return true;
    }

    /// <summary>Takes a node's bridge port down or up, which cuts its link without touching its addresses.</summary>
    public void SetNodeLink(int node, bool up) => Run("ip", "-n", Prefix + "-lan", "link", "set", $"p{node}", up ? "up" : "down");

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

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void AddNamespace(string name)
    {
        Run("ip", "netns", "add", name);
        _namespaces.Add(name);
        Run("ip", "-n", name, "link", "set", "lo", "up");
    }

    private void Build(int[] nodes)
    {
        var lan = Prefix + "-lan";
        AddNamespace(lan);
        Run("ip", "-n", lan, "link", "add", "br0", "type", "bridge");
        Run("ip", "-n", lan, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0", "stp_state", "0", "forward_delay", "0");
        Run("ip", "-n", lan, "link", "set", "br0", "up");
        AddNamespace(Rtr);
        Attach(Rtr, "p0", RouterV4, RouterV6);
        Run("ip", "netns", "exec", Rtr, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
            "net.ipv4.fib_multipath_hash_policy=1", "net.ipv6.fib_multipath_hash_policy=1");
        foreach (var node in nodes)
        {
            AddNamespace(Node(node));
            Attach(Node(node), $"p{node}", NodeV4(node), NodeV6(node));
        }
    }

    private void Attach(string ns, string port, string v4, string v6)
    {
        var lan = Prefix + "-lan";
        Run("ip", "link", "add", port, "netns", lan, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Run("ip", "-n", lan, "link", "set", port, "master", "br0", "up");
        Run("ip", "-n", ns, "link", "set", "eth0", "up");
        Run("ip", "-n", ns, "addr", "add", v4 + "/24", "dev", "eth0");
        Run("ip", "-n", ns, "addr", "add", v6 + "/64", "dev", "eth0", "nodad");
    }
}

/// <summary>A fact that runs only where the lab can: as root, with FRR installed; otherwise it is skipped with the reason.</summary>
internal sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (Lab.Unavailable() is { } reason)
        {
            Skip = reason;
        }
    }
}
