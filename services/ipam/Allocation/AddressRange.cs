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

    /// <summary>Parses "CIDR" or "FIRST-LAST" the way IPAddressPool.spec.addresses spells them.</summary>
    public static bool TryParse(string? text, out AddressRange range, out string? error)
    {
        range = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty address range";
            return false;
        }

        text = text.Trim();
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            if (!IpAddressValue.TryParse(text[..dash], out var first) || !IpAddressValue.TryParse(text[(dash + 1)..], out var last))
            {
                error = $"invalid address range '{text}'";
                return false;
            }

            if (first.Family != last.Family)
            {
                error = $"address range '{text}' mixes IPv4 and IPv6";
                return false;
            }

            if (first.Value > last.Value)
            {
                error = $"address range '{text}' ends before it starts";
                return false;
            }

            range = new(first.Family, first.Value, last.Value);
            return true;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IpAddressValue.TryParse(text[..slash], out var network)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix)
            || prefix > network.Family.Bits())
        {
            error = $"invalid CIDR '{text}'";
            return false;
        }

        // Host bits set in the network part are ignored, as Go's net.ParseCIDR (MetalLB) does.
        var hostBits = network.Family.Bits() - prefix;
        var hostMask = hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        var first128 = network.Value & ~hostMask & network.Family.MaxValue();
        range = new(network.Family, first128, first128 | hostMask);
        return true;
    }

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
