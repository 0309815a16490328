using System.Globalization;
using System.Text.RegularExpressions;

namespace IronLb.Testing;

/// <summary>What a host in a lab namespace learns about its neighbours: arping and ndisc6 answers, its kernel neighbour table.</summary>
public static partial class NeighbourProbe
{
    /// <summary>The MACs that answered <paramref name="count"/> ARP requests from <paramref name="netns"/>, one per reply
    /// (Habets arping); with <paramref name="cpu"/>, arping runs on that CPU only, so its requests enter the LAN there.</summary>
    public static List<string> Arping(string netns, string device, string address, int count, int? cpu = null)
    {
        string[] pin = cpu is { } c ? ["taskset", "-c", c.ToString(CultureInfo.InvariantCulture)] : [];
        var result = Shell.Run(TimeSpan.FromSeconds(20), "ip", ["netns", "exec", netns, .. pin, "arping", "-c", count.ToString(CultureInfo.InvariantCulture), "-W", "0.3", "-i", device, address]);
        return [.. ArpingReply().Matches(result.Output).Select(m => m.Groups[1].Value)];
    }

    /// <summary>The target link-layer address ndisc6 got from <paramref name="netns"/>, or null when nobody answered.</summary>
    public static string? Ndisc6(string netns, string device, string address)
    {
        var result = Shell.Run(TimeSpan.FromSeconds(20), "ip", "netns", "exec", netns, "ndisc6", "-1", "-n", "-r", "2", "-w", "500", address, device);
        var match = Ndisc6Reply().Match(result.Output);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>The MAC the kernel of <paramref name="netns"/> holds for <paramref name="address"/> on <paramref name="device"/>, or null.</summary>
    public static string? NeighbourMac(string netns, string address, string device = "eth0")
    {
        var match = NeighbourLladdr().Match(Shell.Must("ip", "-n", netns, "neigh", "show", address, "dev", device));
        return match.Success ? match.Groups[1].Value : null;
    }

    // Habets arping: "42 bytes from MAC (IP): index=...".
    [GeneratedRegex(@"bytes from ([0-9a-f:]{17}) \(")]
    private static partial Regex ArpingReply();

    [GeneratedRegex(@"Target link-layer address: ([0-9A-Fa-f:]{17})")]
    private static partial Regex Ndisc6Reply();

    [GeneratedRegex(@"lladdr ([0-9a-f:]{17})")]
    private static partial Regex NeighbourLladdr();
}
