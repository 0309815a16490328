using System.Security.Cryptography;
using IronLb.Testing;

namespace IronLb.Layer2.Tests.Lab;

/// <summary>A LAN of network namespaces for the namespace tests: two nodes running announcers, and a peer on two
/// bridged segments. Names carry a per-run prefix; everything is deleted in Dispose, also after a failed setup.</summary>
/// <remarks>
/// lan: br0 (node1 eth0, node2 eth0, peer eth0) and br1 (node1 eth1, peer eth1); snooping and STP off so
/// frames flow at once. node1 eth0 02:00:00:00:00:11 192.0.2.11, eth1 02:00:00:00:01:11 198.51.100.11;
/// node2 eth0 02:00:00:00:00:12 192.0.2.12; peer eth0 02:00:00:00:00:64 192.0.2.100, eth1 198.51.100.100.
/// </remarks>
public sealed class Layer2Lab : IDisposable
{
    public const string Node1Mac = "02:00:00:00:00:11";
    public const string Node1Eth1Mac = "02:00:00:00:01:11";
    public const string Node2Mac = "02:00:00:00:00:12";

    private readonly List<string> _namespaces = [];
    private readonly List<IDisposable> _hosts = [];
    private long _epoch;

    public Layer2Lab()
    {
        Prefix = $"l2t{Environment.ProcessId % 100000}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
        try
        {
            Build();
            Node1Host = StartHost(Node1);
            Node2Host = StartHost(Node2);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Prefix { get; }

    public string Lan => Prefix + "lan";

    public string Node1 => Prefix + "n1";

    public string Node2 => Prefix + "n2";

    public string Peer => Prefix + "peer";

    /// <summary>Every ownership change in the lab gets a fresh, higher epoch, as election hands them out.</summary>
    public long NextEpoch() => Interlocked.Increment(ref _epoch);

    internal NodeHostProcess Node1Host { get; } = null!;

    internal NodeHostProcess Node2Host { get; } = null!;

    /// <summary>Starts an announcer host in a node namespace; it is stopped with the lab.</summary>
    internal NodeHostProcess StartHost(string netns)
    {
        var host = NodeHostProcess.Start(netns);
        _hosts.Add(host);
        return host;
    }

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }

        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            // Deleting a namespace deletes its veth ends and with them the peers in the other namespaces.
            Shell.Run(TimeSpan.FromSeconds(30), "ip", "netns", "del", ns);
        }
    }

    private void Build()
    {
        foreach (var ns in new[] { Lan, Node1, Node2, Peer })
        {
            Shell.Must("ip", "netns", "add", ns);
            _namespaces.Add(ns);
            Shell.Must("ip", "-n", ns, "link", "set", "lo", "up");

            // Without DAD the IPv6 addresses are usable at once; the documentation prefixes cannot collide here.
            Shell.Must("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        }

        foreach (var bridge in new[] { "br0", "br1" })
        {
            Shell.Must("ip", "-n", Lan, "link", "add", bridge, "type", "bridge");
            Shell.Must("ip", "-n", Lan, "link", "set", bridge, "type", "bridge", "mcast_snooping", "0", "stp_state", "0", "forward_delay", "0");
            Shell.Must("ip", "-n", Lan, "link", "set", bridge, "up");
        }

        Attach(Node1, "eth0", "n1a", "br0", Node1Mac, "192.0.2.11/24", "2001:db8:1::11/64");
        Attach(Node1, "eth1", "n1b", "br1", Node1Eth1Mac, "198.51.100.11/24", null);
        Attach(Node2, "eth0", "n2a", "br0", Node2Mac, "192.0.2.12/24", "2001:db8:1::12/64");
        Attach(Peer, "eth0", "pa", "br0", "02:00:00:00:00:64", "192.0.2.100/24", "2001:db8:1::100/64");
        Attach(Peer, "eth1", "pb", "br1", "02:00:00:00:01:64", "198.51.100.100/24", null);

        // The service ranges are on-link for the peer, as on a LAN where MetalLB's Layer 2 mode is used.
        Shell.Must("ip", "-n", Peer, "route", "add", "203.0.113.0/24", "dev", "eth0");
        Shell.Must("ip", "-n", Peer, "-6", "route", "add", "2001:db8:1:20::/64", "dev", "eth0");
    }

    private void Attach(string ns, string name, string lanSide, string bridge, string mac, string ipv4, string? ipv6) =>
        NetworkNamespace.AttachToBridge(Lan, bridge, lanSide, ns, name, mac, ipv4, ipv6);
}
