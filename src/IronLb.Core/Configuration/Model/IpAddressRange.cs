using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace IronLb.Core.Configuration;

/// <summary>An IP address family.</summary>
public enum IpFamily
{
    IPv4,
    IPv6,
}

/// <summary>An inclusive range of addresses of one family, parsed from a pool entry: a CIDR prefix or a "start-end" range.</summary>
/// <param name="Family">IPv4 or IPv6.</param>
/// <param name="First">The first address, as an unsigned integer (IPv4 in the low 32 bits).</param>
/// <param name="Last">The last address, inclusive.</param>
public readonly record struct IpAddressRange(IpFamily Family, UInt128 First, UInt128 Last)
{
    public int AddressBits => Family == IpFamily.IPv4 ? 32 : 128;

    /// <summary>Parses "203.0.113.0/27", "2001:db8::/64" or "198.51.100.64-198.51.100.127" (spaces around '-' allowed), as MetalLB does.</summary>
    /// <remarks>Like Go's net.ParseCIDR, a prefix with host bits set ("192.0.2.5/24") stands for its whole network.</remarks>
    public static bool TryParse(string text, out IpAddressRange range, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        range = default;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return TryParseCidr(text, out range, out error);
        }

        var startText = text[..dash].Trim();
        var endText = text[(dash + 1)..].Trim();
        if (!TryParseAddress(startText, out var startFamily, out var start))
        {
            error = $"invalid IP range \"{text}\": invalid start IP \"{startText}\"";
            return false;
        }

        if (!TryParseAddress(endText, out var endFamily, out var end))
        {
            error = $"invalid IP range \"{text}\": invalid end IP \"{endText}\"";
            return false;
        }

        if (startFamily != endFamily)
        {
            error = $"invalid IP range \"{text}\": start and end are of different address families";
            return false;
        }

        if (start > end)
        {
            error = $"invalid IP range \"{text}\": start IP \"{startText}\" is after the end IP \"{endText}\"";
            return false;
        }

        range = new IpAddressRange(startFamily, start, end);
        error = "";
        return true;
    }

    /// <summary>Parses one address strictly: dotted-quad IPv4 without leading zeros (as Go does) or IPv6 without a zone.</summary>
    public static bool TryParseAddress(string text, out IpFamily family, out UInt128 value)
    {
        ArgumentNullException.ThrowIfNull(text);
        family = IpFamily.IPv4;
        value = 0;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            // IPAddress.TryParse takes zones ("%eth0") and brackets, which are not addresses in a manifest.
            if (text.Contains('%', StringComparison.Ordinal) || text.Contains('[', StringComparison.Ordinal)
                || !IPAddress.TryParse(text, out var address))
            {
                return false;
            }

            family = IpFamily.IPv6;
            value = BinaryPrimitives.ReadUInt128BigEndian(address.GetAddressBytes());
            return true;
        }

        // IPAddress.TryParse would also take "10", "10.1" and octal; Go (and so MetalLB) wants exactly four decimal octets.
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        uint result = 0;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0') || part.AsSpan().ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }

            var octet = uint.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }

            result = (result << 8) | octet;
        }

        value = result;
        return true;
    }

    /// <summary>True when both ranges share at least one address.</summary>
    public bool Overlaps(IpAddressRange other) => Family == other.Family && First <= other.Last && other.First <= Last;

    public bool Contains(IpFamily family, UInt128 address) => Family == family && First <= address && address <= Last;

    /// <summary>The fewest CIDR prefixes that cover exactly this range, lowest address first.</summary>
    public IReadOnlyList<(UInt128 Network, int PrefixLength)> ToPrefixes()
    {
        var prefixes = new List<(UInt128, int)>();
        var current = First;

        // Each pass emits the largest aligned block starting at current: at most 2 * AddressBits passes.
        for (var pass = 0; pass <= 2 * AddressBits; pass++)
        {
            var hostBits = current == 0 ? AddressBits : Math.Min(AddressBits, (int)UInt128.TrailingZeroCount(current));
            while (hostBits > 0 && Last - current < HostMask(hostBits))
            {
                hostBits--;
            }

            prefixes.Add((current, AddressBits - hostBits));
            var blockLast = current + HostMask(hostBits);
            if (blockLast >= Last)
            {
                break;
            }

            current = blockLast + 1;
        }

        return prefixes;
    }

    /// <summary>The shortest prefix length among <see cref="ToPrefixes"/>: the widest CIDR this range contains.</summary>
    public int ShortestPrefixLength() => ToPrefixes().Min(p => p.PrefixLength);

    public static string FormatAddress(IpFamily family, UInt128 value)
    {
        if (family == IpFamily.IPv4)
        {
            Span<byte> octets = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(octets, (uint)value);
            return new IPAddress(octets).ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes).ToString();
    }

    public override string ToString() => $"{FormatAddress(Family, First)}-{FormatAddress(Family, Last)}";

    private static UInt128 HostMask(int hostBits) => hostBits >= 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;

    private static bool TryParseCidr(string text, out IpAddressRange range, out string error)
    {
        range = default;
        error = $"invalid CIDR \"{text}\"";
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !TryParseAddress(text[..slash], out var family, out var address))
        {
            return false;
        }

        var bits = family == IpFamily.IPv4 ? 32 : 128;
        var lengthText = text[(slash + 1)..];
        if (lengthText.Length is 0 or > 3 || lengthText.AsSpan().ContainsAnyExceptInRange('0', '9')
            || !int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > bits)
        {
            return false;
        }

        var hostMask = HostMask(bits - length);
        var network = address & ~hostMask;
        range = new IpAddressRange(family, network, network | hostMask);
        error = "";
        return true;
    }
}
