using System.Buffers.Binary;
using System.Globalization;
using System.Net.NetworkInformation;

namespace IronLb.Layer2.Capture;

/// <summary>A 48-bit IEEE 802 MAC address held by value, so frame handling allocates nothing per packet.</summary>
internal readonly record struct MacAddress
{
    public const int Length = 6;

    private readonly ulong _value;

    private MacAddress(ulong value) => _value = value & 0xFFFF_FFFF_FFFF;

    public static MacAddress Broadcast { get; } = new(0xFFFF_FFFF_FFFF);

    public static MacAddress Zero { get; } = new(0);

    /// <summary>The group bit (I/G, least significant bit of the first octet) marks multicast and broadcast.</summary>
    public bool IsMulticast => (_value >> 40 & 0x01) != 0;

    public bool IsZero => _value == 0;

    public static MacAddress Read(ReadOnlySpan<byte> source)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(source.Length, Length);
        return new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(source) << 32) | BinaryPrimitives.ReadUInt32BigEndian(source[2..]));
    }

    public static MacAddress FromUInt64(ulong value) => new(value);

    public static MacAddress FromPhysicalAddress(PhysicalAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = address.GetAddressBytes();
        return bytes.Length == Length ? Read(bytes) : Zero;
    }

    /// <summary>Parses "02:00:00:00:00:11" (colons or dashes).</summary>
    public static MacAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':', '-');
        if (parts.Length != Length)
        {
            throw new FormatException($"'{text}' is not a MAC address");
        }

        ulong value = 0;
        foreach (var part in parts)
        {
            value = (value << 8) | byte.Parse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        return new(value);
    }

    public ulong ToUInt64() => _value;

    public void Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(_value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)_value);
    }

    public override string ToString()
    {
        Span<byte> b = stackalloc byte[Length];
        Write(b);
        return string.Create(CultureInfo.InvariantCulture, $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}");
    }
}
