using System.Security.Cryptography;
using IronLb.Testing;

namespace IronLb.EndToEnd.Tests;

/// <summary>
/// A LAN of network namespaces for running the services as separate processes on separate nodes: a control host
/// (Redis, ipam, election), two nodes (layer2 each) and a client peer, on one bridge. Names carry a per-run prefix;
/// everything is deleted in Dispose, also after a failed setup.
/// </summary>
/// <remarks>
/// ctl 192.0.2.2, node-a 192.0.2.11 (02:00:00:00:00:11), node-b 192.0.2.12 (02:00:00:00:00:12), peer 192.0.2.100 with
/// 203.0.113.0/24 on-link, as a LAN in MetalLB's Layer 2 mode is.
/// </remarks>
internal sealed class FailoverLab : IDisposable
{
    public const string ControlAddress = "192.0.2.2";
    public const string NodeAMac = "02:00:00:00:00:11";
    public const string NodeBMac = "02:00:00:00:00:12";

    private readonly List<string> _namespaces = [];

    public FailoverLab()
    {
        Prefix = $"ilbfo{Environment.ProcessId % 100000}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
        try
        {
            Build();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Prefix { get; }

    public string Lan => Prefix + "lan";

    public string Control => Prefix + "ctl";

    public string NodeA => Prefix + "a";

    public string NodeB => Prefix + "b";

    public string Peer => Prefix + "peer";

    /// <summary>The MAC the peer's neighbour table holds for <paramref name="address"/>, or null when it has none.</summary>
    public string? PeerNeighbourMac(string address)
    {
        var line = Shell.Must("ip", "-n", Peer, "neigh", "show", address, "dev", "eth0");
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(fields, "lladdr");
        return at >= 0 && at + 1 < fields.Length ? fields[at + 1] : null;
    }

    /// <summary>Makes the peer's kernel resolve <paramref name="address"/> (one ping; the reply does not matter, the ARP does).</summary>
    public void PeerResolves(string address) => Shell.Run(TimeSpan.FromSeconds(5), "ip", "netns", "exec", Peer, "ping", "-c", "1", "-W", "1", address);

    public void Dispose()
    {
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            // Deleting a namespace deletes its veth ends and with them the peers in the other namespaces.
            Shell.Run(TimeSpan.FromSeconds(30), "ip", "netns", "del", ns);
        }
    }

    private void Build()
    {
        foreach (var ns in new[] { Lan, Control, NodeA, NodeB, Peer })
        {
            Shell.Must("ip", "netns", "add", ns);
            _namespaces.Add(ns);
            Shell.Must("ip", "-n", ns, "link", "set", "lo", "up");
        }

        Shell.Must("ip", "-n", Lan, "link", "add", "br0", "type", "bridge");
        Shell.Must("ip", "-n", Lan, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0", "stp_state", "0", "forward_delay", "0");
        Shell.Must("ip", "-n", Lan, "link", "set", "br0", "up");
        Attach(Control, "v-ctl", "02:00:00:00:00:02", ControlAddress);
        Attach(NodeA, "v-a", NodeAMac, "192.0.2.11");
        Attach(NodeB, "v-b", NodeBMac, "192.0.2.12");
        Attach(Peer, "v-peer", "02:00:00:00:00:64", "192.0.2.100");
        Shell.Must("ip", "-n", Peer, "route", "add", "203.0.113.0/24", "dev", "eth0");
    }

    private void Attach(string ns, string lanSide, string mac, string address)
    {
        Shell.Must("ip", "link", "add", lanSide, "netns", Lan, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Shell.Must("ip", "-n", Lan, "link", "set", lanSide, "master", "br0", "up");
        Shell.Must("ip", "-n", ns, "link", "set", "eth0", "address", mac, "up");
        Shell.Must("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
    }
}
