namespace IronLb.Testing;

/// <summary>Lab namespaces: running a program inside one with `ip netns exec` (which execs it, so the PID is the
/// program's), and wiring one to a bridge.</summary>
public static class NetworkNamespace
{
    /// <summary>The command line that runs <paramref name="fileName"/> in <paramref name="netns"/>, or unchanged when it is null.</summary>
    public static (string FileName, IReadOnlyList<string> Arguments) Wrap(string? netns, string fileName, IEnumerable<string> arguments) =>
        netns is null
            ? (fileName, [.. arguments])
            : ("ip", ["netns", "exec", netns, fileName, .. arguments]);

    /// <summary>Creates a veth pair: <paramref name="lanSide"/> a port of <paramref name="bridge"/> in <paramref name="lan"/>,
    /// <paramref name="name"/> in <paramref name="netns"/> with <paramref name="mac"/> and the given addresses (IPv6 without DAD).</summary>
    public static void AttachToBridge(string lan, string bridge, string lanSide, string netns, string name, string mac, string ipv4, string? ipv6 = null)
    {
        Shell.Must("ip", "link", "add", lanSide, "netns", lan, "type", "veth", "peer", "name", name, "netns", netns);
        Shell.Must("ip", "-n", lan, "link", "set", lanSide, "master", bridge, "up");
        Shell.Must("ip", "-n", netns, "link", "set", name, "address", mac, "up");
        Shell.Must("ip", "-n", netns, "addr", "add", ipv4, "dev", name);
        if (ipv6 is not null)
        {
            Shell.Must("ip", "-n", netns, "addr", "add", ipv6, "dev", name, "nodad");
        }
    }
}
