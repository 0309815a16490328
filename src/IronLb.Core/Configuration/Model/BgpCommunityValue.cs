using System.Globalization;

namespace IronLb.Core.Configuration;

/// <summary>A BGP community: a standard one (RFC 1997, "ASN:VALUE", two 16-bit halves) or a large one (RFC 8092, "large:A:B:C", three 32-bit parts).</summary>
public readonly record struct BgpCommunityValue(bool IsLarge, uint GlobalAdministrator, uint LocalData1, uint LocalData2)
{
    private const string LargeMarker = "large";

    /// <summary>Parses MetalLB's notation; <paramref name="wellShaped"/> tells a bad number in the right shape apart from text that could be an alias name.</summary>
    public static bool TryParse(string text, out BgpCommunityValue value, out bool wellShaped)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = default;
        var parts = text.Split(':');
        switch (parts.Length)
        {
            case 2:
                wellShaped = true;
                if (ushort.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var asn)
                    && ushort.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var local))
                {
                    value = new BgpCommunityValue(false, asn, local, 0);
                    return true;
                }

                return false;
            case 4:
                wellShaped = true;
                if (parts[0] == LargeMarker
                    && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var global)
                    && uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                    && uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var second))
                {
                    value = new BgpCommunityValue(true, global, first, second);
                    return true;
                }

                return false;
            default:
                wellShaped = false;
                return false;
        }
    }

    /// <summary>"ASN:VALUE" for a standard community, "A:B:C" for a large one (the form MetalLB prints).</summary>
    public override string ToString() => IsLarge
        ? string.Create(CultureInfo.InvariantCulture, $"{GlobalAdministrator}:{LocalData1}:{LocalData2}")
        : string.Create(CultureInfo.InvariantCulture, $"{GlobalAdministrator}:{LocalData1}");
}
