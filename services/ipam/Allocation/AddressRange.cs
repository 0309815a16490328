using IronLb.Core.Configuration;

namespace IronLb.Ipam.Allocation;

/// <summary>A contiguous, inclusive block of addresses of one family: what one entry of IPAddressPool.spec.addresses denotes.</summary>
/// <param name="Family">IPv4 or IPv6.</param>
/// <param name="First">The lowest address.</param>
/// <param name="Last">The highest address (inclusive).</param>
public readonly record struct AddressRange(IpFamily Family, UInt128 First, UInt128 Last)
{
    /// <summary>How many addresses the range holds, saturating at UInt128.MaxValue for the whole IPv6 space.</summary>
    public UInt128 Count => Last - First == UInt128.MaxValue ? UInt128.MaxValue : Last - First + 1;

    public bool Contains(IpAddressValue address) => address.Family == Family && address.Value >= First && address.Value <= Last;

    public IpAddressValue FirstAddress => new(Family, First);

    public IpAddressValue LastAddress => new(Family, Last);

    /// <summary>
    /// Parses "CIDR" or "FIRST-LAST" the way IPAddressPool.spec.addresses spells them, with the one parser the
    /// validator uses too (<see cref="IpAddressRange"/>), so that what validates is what gets allocated.
    /// </summary>
    public static bool TryParse(string? text, out AddressRange range, out string? error)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty address range";
            return false;
        }

        if (!IpAddressRange.TryParse(text.Trim(), out var parsed, out var reason))
        {
            error = reason;
            return false;
        }

        range = From(parsed);
        error = null;
        return true;
    }

    /// <summary>The allocator's view of a range the configuration model parsed.</summary>
    public static AddressRange From(IpAddressRange range) => new(range.Family, range.First, range.Last);

    public static AddressRange Parse(string text) =>
        TryParse(text, out var range, out var error) ? range : throw new FormatException(error);

    /// <summary>The range as a CIDR when it is one, otherwise as "FIRST-LAST".</summary>
    public override string ToString()
    {
        var size = Last - First;
        if ((size & (size + 1)) == 0 && (First & size) == 0 && size != UInt128.MaxValue)
        {
            var hostBits = 128 - (int)UInt128.LeadingZeroCount(size);
            return $"{FirstAddress}/{Family.Bits() - hostBits}";
        }

        return size == UInt128.MaxValue ? "::/0" : $"{FirstAddress}-{LastAddress}";
    }
}
