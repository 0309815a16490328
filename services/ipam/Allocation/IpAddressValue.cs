using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using IronLb.Core.Configuration;

namespace IronLb.Ipam.Allocation;

/// <summary>An IP address as a number, so pools of any size are arithmetic rather than enumeration.</summary>
/// <param name="Family">IPv4 or IPv6.</param>
/// <param name="Value">The address as an unsigned integer; IPv4 uses the low 32 bits.</param>
public readonly record struct IpAddressValue(IpFamily Family, UInt128 Value) : IComparable<IpAddressValue>
{
    public static IpAddressValue FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return new(IpFamily.IPv4, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"'{address}' is not an IP address", nameof(address));
        }

        // A zone (scope id) has no meaning for a load-balancer address and is dropped.
        address.TryWriteBytes(bytes, out _);
        return new(IpFamily.IPv6, BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    public static bool TryParse(string? text, out IpAddressValue address)
    {
        address = default;
        if (string.IsNullOrWhiteSpace(text) || text.Contains('%', StringComparison.Ordinal)
            || !IPAddress.TryParse(text.Trim(), out var parsed))
        {
            return false;
        }

        // IPAddress.TryParse accepts "1" or "1.2" as IPv4 shorthand; Kubernetes and MetalLB do not.
        if (parsed.AddressFamily == AddressFamily.InterNetwork && text.Trim().Count(c => c == '.') != 3)
        {
            return false;
        }

        address = FromIPAddress(parsed);
        return true;
    }

    public static IpAddressValue Parse(string text) =>
        TryParse(text, out var address) ? address : throw new FormatException($"'{text}' is not an IP address");

    public IPAddress ToIPAddress()
    {
        if (Family == IpFamily.IPv4)
        {
            return new IPAddress(BinaryPrimitives.ReverseEndianness((uint)Value));
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
        return new IPAddress(bytes);
    }

    /// <summary>
    /// True for IPv4 addresses ending in .0 or .255, which MetalLB's avoidBuggyIPs skips because
    /// some consumer routers' smurf protection drops traffic to them.
    /// </summary>
    public bool IsBuggyFirmwareAddress => Family == IpFamily.IPv4 && ((byte)Value is 0 or 255);

    public int CompareTo(IpAddressValue other)
    {
        var byFamily = Family.CompareTo(other.Family);
        return byFamily != 0 ? byFamily : Value.CompareTo(other.Value);
    }

    public static bool operator <(IpAddressValue left, IpAddressValue right) => left.CompareTo(right) < 0;

    public static bool operator >(IpAddressValue left, IpAddressValue right) => left.CompareTo(right) > 0;

    public static bool operator <=(IpAddressValue left, IpAddressValue right) => left.CompareTo(right) <= 0;

    public static bool operator >=(IpAddressValue left, IpAddressValue right) => left.CompareTo(right) >= 0;

    public override string ToString() => ToIPAddress().ToString();
}
