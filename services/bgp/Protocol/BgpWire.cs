namespace IronLb.Bgp.Protocol;

/// <summary>BGP-4 message types (RFC 4271 §4.1, RFC 2918).</summary>
internal enum BgpMessageType : byte
{
    Open = 1,
    Update = 2,
    Notification = 3,
    Keepalive = 4,
    RouteRefresh = 5,
}

/// <summary>Path attribute type codes this speaker understands.</summary>
internal enum PathAttributeType : byte
{
    Origin = 1,
    AsPath = 2,
    NextHop = 3,
    MultiExitDisc = 4,
    LocalPref = 5,
    AtomicAggregate = 6,
    Aggregator = 7,
    Communities = 8,
    MpReachNlri = 14,
    MpUnreachNlri = 15,
    As4Path = 17,
    As4Aggregator = 18,
    LargeCommunity = 32,
}

/// <summary>Path attribute flag bits (RFC 4271 §4.3).</summary>
[Flags]
internal enum AttributeFlags : byte
{
    None = 0,
    ExtendedLength = 0x10,
    Partial = 0x20,
    Transitive = 0x40,
    Optional = 0x80,
}

/// <summary>ORIGIN values (RFC 4271 §5.1.1).</summary>
internal enum BgpOrigin : byte
{
    Igp = 0,
    Egp = 1,
    Incomplete = 2,
}

/// <summary>Fixed sizes and values of the BGP-4 wire format.</summary>
internal static class BgpWire
{
    public const int HeaderLength = 19;
    public const int MaxMessageLength = 4096;
    public const int MinOpenLength = 29;
    public const int MinUpdateLength = 23;
    public const int MinNotificationLength = 21;
    public const int RouteRefreshLength = 23;
    public const byte Version = 4;

    /// <summary>AS_TRANS, the 2-octet stand-in for a 4-octet AS (RFC 6793 §9).</summary>
    public const ushort AsTrans = 23456;

    /// <summary>Checks the 16-octet all-ones marker.</summary>
    public static bool IsMarkerValid(ReadOnlySpan<byte> header)
    {
        return header.Length >= 16 && !header[..16].ContainsAnyExcept((byte)0xFF);
    }

    /// <summary>Writes the marker, length and type; the caller fills the body.</summary>
    public static void WriteHeader(Span<byte> destination, int length, BgpMessageType type)
    {
        destination[..16].Fill(0xFF);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(destination[16..], (ushort)length);
        destination[18] = (byte)type;
    }
}
