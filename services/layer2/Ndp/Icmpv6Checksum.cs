using System.Buffers.Binary;
using System.Net;

namespace IronLb.Layer2.Ndp;

/// <summary>The ICMPv6 checksum (RFC 4443 §2.3) over the IPv6 pseudo-header (RFC 8200 §8.1) and the message.</summary>
internal static class Icmpv6Checksum
{
    private const byte NextHeaderIcmpv6 = 58;

    /// <summary>Computes the checksum with the message's checksum field taken as zero.</summary>
    public static ushort Compute(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> message)
    {
        ulong sum = SumWords(source) + SumWords(destination);
        sum += (uint)message.Length >> 16;
        sum += (uint)message.Length & 0xFFFF;
        sum += NextHeaderIcmpv6;
        sum += SumWords(message[..2]);
        if (message.Length > 4)
        {
            sum += SumWords(message[4..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    public static ushort Compute(IPAddress source, IPAddress destination, ReadOnlySpan<byte> message)
    {
        Span<byte> src = stackalloc byte[16];
        Span<byte> dst = stackalloc byte[16];
        source.TryWriteBytes(src, out _);
        destination.TryWriteBytes(dst, out _);
        return Compute(src, dst, message);
    }

    /// <summary>True when the checksum carried at bytes 2-3 of <paramref name="message"/> is right.</summary>
    public static bool IsValid(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> message) =>
        message.Length >= 4 && Compute(source, destination, message) == BinaryPrimitives.ReadUInt16BigEndian(message[2..]);

    private static ulong SumWords(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        var i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        // An odd trailing byte is padded with a zero octet on the right (RFC 1071 §4.1).
        if (i < data.Length)
        {
            sum += (ulong)data[i] << 8;
        }

        return sum;
    }
}
