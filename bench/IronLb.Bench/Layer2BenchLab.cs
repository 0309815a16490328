using System.Diagnostics;
using System.Security.Cryptography;
using IronLb.Testing;

namespace IronLb.Bench;

/// <summary>The benchmark's LAN: a node and a peer namespace on one bridge, with a per-run name prefix, deleted on
/// Dispose also after a failure. Node eth0 192.0.2.11 / 2001:db8:1::11, peer eth0 192.0.2.100 / 2001:db8:1::100.</summary>
internal sealed class Layer2BenchLab : IDisposable
{
    private readonly List<string> _namespaces = [];

    public Layer2BenchLab()
    {
        var prefix = $"l2b{Environment.ProcessId % 100000}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
        Lan = prefix + "lan";
        Node = prefix + "node";
        Peer = prefix + "peer";
        try
        {
            foreach (var ns in new[] { Lan, Node, Peer })
            {
                Must("ip", "netns", "add", ns);
                _namespaces.Add(ns);
                Must("ip", "-n", ns, "link", "set", "lo", "up");
                Must("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
            }

            Must("ip", "-n", Lan, "link", "add", "br0", "type", "bridge");
            Must("ip", "-n", Lan, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0", "stp_state", "0", "forward_delay", "0");
            Must("ip", "-n", Lan, "link", "set", "br0", "up");
            Attach(Node, "pn", "02:00:00:00:00:11", "192.0.2.11/24", "2001:db8:1::11/64");
            Attach(Peer, "pp", "02:00:00:00:00:64", "192.0.2.100/24", "2001:db8:1::100/64");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Lan { get; }

    public string Node { get; }

    public string Peer { get; }

    public void Dispose()
    {
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            Run("ip", "netns", "del", ns);
        }
    }

    public static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }

    private static void Must(string file, params string[] args)
    {
        var (exit, output) = Run(file, args);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {output}");
        }
    }

    private void Attach(string ns, string lanSide, string mac, string ipv4, string ipv6) =>
        NetworkNamespace.AttachToBridge(Lan, "br0", lanSide, ns, "eth0", mac, ipv4, ipv6);
}
