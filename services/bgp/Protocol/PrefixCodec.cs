using System.Net;

namespace IronLb.Bgp.Protocol;

/// <summary>Reads and writes NLRI prefixes: a length in bits, then only the octets that length needs (RFC 4271 §4.3).</summary>
internal static class PrefixCodec
{
    public static int EncodedLength(IPNetwork prefix) => 1 + ((prefix.PrefixLength + 7) / 8);

    public static int Write(Span<byte> destination, IPNetwork prefix)
    {
        var octets = (prefix.PrefixLength + 7) / 8;
        destination[0] = (byte)prefix.PrefixLength;
        Span<byte> address = stackalloc byte[16];
        prefix.BaseAddress.TryWriteBytes(address, out _);
        address[..octets].CopyTo(destination[1..]);
        return 1 + octets;
    }

    /// <summary>Parses a run of prefixes that must fill <paramref name="source"/> exactly; false on any overrun or bad length.</summary>
    public static bool TryReadAll(ReadOnlySpan<byte> source, int addressLength, List<IPNetwork> into)
    {
        var maxBits = addressLength * 8;
        Span<byte> address = stackalloc byte[16];
        while (!source.IsEmpty)
        {
            int bits = source[0];
            var octets = (bits + 7) / 8;
            if (bits > maxBits || source.Length < 1 + octets)
            {
                return false;
            }

            address.Clear();
            source.Slice(1, octets).CopyTo(address);

            // Trailing bits past the prefix length are ignored (RFC 4271 §4.3 "trailing bits are irrelevant"): mask them off.
            if (bits % 8 != 0)
            {
                address[octets - 1] &= (byte)(0xFF << (8 - (bits % 8)));
            }

            into.Add(new IPNetwork(new IPAddress(address[..addressLength]), bits));
            source = source[(1 + octets)..];
        }

        return true;
    }
}
