using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Globalization;
using IronLb.Layer2.Announcing;

namespace IronLb.Layer2.Capture;

/// <summary>Reads this network namespace's interfaces from the operating system.</summary>
internal static class NetworkInterfaceReader
{
    public static IReadOnlyList<LinkInterface> Read() => NetworkInterface.GetAllNetworkInterfaces()
        .Select(ToLink)
        .OrderBy(l => l.Name, StringComparer.Ordinal)
        .ToList();

    private static LinkInterface ToLink(NetworkInterface nic)
    {
        var prefixes = nic.GetIPProperties().UnicastAddresses
            .Where(u => u.Address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            .Select(u => Network(u.Address, u.PrefixLength))
            .Distinct()
            .OrderBy(n => n.ToString(), StringComparer.Ordinal)
            .ToList();

        // Linux reports "unknown" operstate for interfaces without carrier detection (dummy, some tunnels) even
        // when they are up; only "down"-like states rule an interface out.
        var up = nic.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown;
        return new LinkInterface(
            nic.Name,
            IfNameToIndex(nic.Name),
            MacAddress.FromPhysicalAddress(nic.GetPhysicalAddress()),
            up,
            nic.NetworkInterfaceType == NetworkInterfaceType.Loopback,
            prefixes,
            (SysfsFlags(nic.Name) & IffNoArp) != 0,
            Path.Exists($"/sys/class/net/{nic.Name}/master"));
    }

    private const int IffNoArp = 0x80;

    /// <summary>The interface flags (IFF_*) from sysfs, in hex; zero when unreadable.</summary>
    private static int SysfsFlags(string name)
    {
        try
        {
            var text = File.ReadAllText($"/sys/class/net/{name}/flags").Trim();
            return int.Parse(text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    private static IPNetwork Network(IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefixLength; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPNetwork(new IPAddress(bytes), prefixLength);
    }

    // The index tells a recreated interface from the old one of the same name; NetworkInterface exposes it only
    // for interfaces with addresses, sysfs always (and `ip netns exec` mounts the namespace's own sysfs).
    private static int IfNameToIndex(string name)
    {
        try
        {
            return int.Parse(File.ReadAllText($"/sys/class/net/{name}/ifindex").Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }
}
