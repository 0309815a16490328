using System.Globalization;
using System.Security.Cryptography;

namespace IronLb.Testing;

/// <summary>
/// Hosts as network namespaces on bridged segments (the bridges live in a namespace of their own), named with a
/// per-run prefix. Everything is deleted in Dispose, which a failed setup calls too.
/// </summary>
public sealed class NamespaceLan : IDisposable
{
    private readonly List<string> _namespaces = [];
    private int _links;

    public NamespaceLan(string stem)
    {
        Prefix = $"{stem}{Environment.ProcessId % 100000}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
        try
        {
            Add("lan");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Prefix { get; }

    /// <summary>The namespace name of <paramref name="host"/>.</summary>
    public string Namespace(string host) => Prefix + host;

    /// <summary>Adds a host (a namespace with loopback up and IPv6 duplicate address detection off).</summary>
    public void Add(string host)
    {
        var ns = Namespace(host);
        Shell.Must("ip", "netns", "add", ns);
        _namespaces.Add(ns);
        Shell.Must("ip", "-n", ns, "link", "set", "lo", "up");
        Shell.Must("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
    }

    /// <summary>Adds a segment: a bridge with snooping and STP off, so frames flow at once.</summary>
    public void AddSegment(string bridge)
    {
        var lan = Namespace("lan");
        Shell.Must("ip", "-n", lan, "link", "add", bridge, "type", "bridge");
        Shell.Must("ip", "-n", lan, "link", "set", bridge, "type", "bridge", "mcast_snooping", "0", "stp_state", "0", "forward_delay", "0");
        Shell.Must("ip", "-n", lan, "link", "set", bridge, "up");
    }

    /// <summary>Plugs <paramref name="host"/> into <paramref name="bridge"/> as <paramref name="name"/> with these addresses;
    /// returns the bridge port's name (in the "lan" namespace), whose state is the host's link.</summary>
    public string Attach(string host, string name, string bridge, string mac, string ipv4, string? ipv6 = null)
    {
        var port = "v" + (++_links).ToString(CultureInfo.InvariantCulture);
        NetworkNamespace.AttachToBridge(Namespace("lan"), bridge, port, Namespace(host), name, mac, ipv4, ipv6);
        return port;
    }

    /// <summary>Takes a bridge port down or up, as pulling or plugging the host's cable would (the host keeps its addresses).</summary>
    public void SetPort(string port, bool up) => Shell.Must("ip", "-n", Namespace("lan"), "link", "set", port, up ? "up" : "down");

    /// <summary>Runs a command inside <paramref name="host"/> to completion (bounded).</summary>
    public Shell.Result Exec(string host, params string[] command) =>
        Shell.Run(TimeSpan.FromSeconds(20), "ip", ["netns", "exec", Namespace(host), .. command]);

    public void Dispose()
    {
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            // Deleting a namespace deletes its veth ends and with them the peers in the other namespaces.
            Shell.Run(TimeSpan.FromSeconds(30), "ip", "netns", "del", ns);
        }
    }
}
