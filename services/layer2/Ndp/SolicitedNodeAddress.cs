using System.Net;
using IronLb.Layer2.Capture;

namespace IronLb.Layer2.Ndp;

/// <summary>The solicited-node multicast group of an IPv6 address (RFC 4291 §2.7.1) and its Ethernet mapping (RFC 2464 §7).</summary>
internal static class SolicitedNodeAddress
{
    public static IPAddress For(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        Span<byte> group = stackalloc byte[16];
        group.Clear();
        group[0] = 0xFF;
        group[1] = 0x02;
        group[11] = 0x01;
        group[12] = 0xFF;
        bytes[13..].CopyTo(group[13..]);
        return new IPAddress(group);
    }

    /// <summary>True when <paramref name="group"/> is the solicited-node group of <paramref name="address"/>; allocates nothing,
    /// as it runs for every solicitation received.</summary>
    public static bool IsGroupOf(IPAddress group, IPAddress address)
    {
        Span<byte> g = stackalloc byte[16];
        Span<byte> a = stackalloc byte[16];
        if (!group.TryWriteBytes(g, out var gl) || gl != 16 || !address.TryWriteBytes(a, out var al) || al != 16)
        {
            return false;
        }

        ReadOnlySpan<byte> prefix = [0xFF, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xFF];
        return g[..13].SequenceEqual(prefix) && g[13..].SequenceEqual(a[13..]);
    }

    /// <summary>An IPv6 multicast address maps to 33:33 followed by its last four octets.</summary>
    public static MacAddress MulticastMac(IPAddress group)
    {
        Span<byte> bytes = stackalloc byte[16];
        group.TryWriteBytes(bytes, out _);
        Span<byte> mac = [0x33, 0x33, bytes[12], bytes[13], bytes[14], bytes[15]];
        return MacAddress.Read(mac);
    }

    public static IPAddress AllNodes { get; } = IPAddress.Parse("ff02::1");
}
