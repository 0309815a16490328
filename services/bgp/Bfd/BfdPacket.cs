using System.Buffers.Binary;

namespace IronLb.Bgp.Bfd;

/// <summary>BFD session states (RFC 5880 §4.1).</summary>
internal enum BfdState : byte
{
    AdminDown = 0,
    Down = 1,
    Init = 2,
    Up = 3,
}

/// <summary>Diagnostic codes (RFC 5880 §4.1).</summary>
internal enum BfdDiagnostic : byte
{
    None = 0,
    ControlDetectionTimeExpired = 1,
    EchoFunctionFailed = 2,
    NeighborSignaledSessionDown = 3,
    AdministrativelyDown = 7,
}

/// <summary>
/// A BFD Control packet without authentication (RFC 5880 §4.1); intervals are in microseconds. A Required Min Echo RX
/// Interval of zero says the sender does not loop echo packets back.
/// </summary>
internal readonly record struct BfdPacket(
    BfdDiagnostic Diagnostic,
    BfdState State,
    bool Poll,
    bool Final,
    byte DetectMultiplier,
    uint MyDiscriminator,
    uint YourDiscriminator,
    uint DesiredMinTxMicroseconds,
    uint RequiredMinRxMicroseconds,
    uint RequiredMinEchoRxMicroseconds = 0)
{
    public const int Length = 24;
    private const byte Version = 1;

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)((Version << 5) | ((byte)Diagnostic & 0x1F));
        destination[1] = (byte)(((byte)State << 6) | (Poll ? 0x20 : 0) | (Final ? 0x10 : 0));
        destination[2] = DetectMultiplier;
        destination[3] = Length;
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], MyDiscriminator);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], YourDiscriminator);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], DesiredMinTxMicroseconds);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], RequiredMinRxMicroseconds);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], RequiredMinEchoRxMicroseconds);
    }

    /// <summary>
    /// Applies the reception checks of RFC 5880 §6.8.6 that need no session: version, length, multiplier,
    /// multipoint bit, discriminators. Authenticated packets are refused since no authentication is configured.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out BfdPacket packet)
    {
        packet = default;
        if (source.Length < Length || source[0] >> 5 != Version)
        {
            return false;
        }

        int length = source[3];
        var flags = source[1];
        var authenticated = (flags & 0x04) != 0;
        var multipoint = (flags & 0x01) != 0;
        if (length < Length || length > source.Length || authenticated || multipoint || source[2] == 0)
        {
            return false;
        }

        var state = (BfdState)(flags >> 6);
        var my = BinaryPrimitives.ReadUInt32BigEndian(source[4..]);
        var your = BinaryPrimitives.ReadUInt32BigEndian(source[8..]);

        // A zero Your Discriminator is only valid while the sender has not heard from us (Down or AdminDown).
        if (my == 0 || (your == 0 && state is not (BfdState.Down or BfdState.AdminDown)))
        {
            return false;
        }

        packet = new BfdPacket(
            (BfdDiagnostic)(source[0] & 0x1F), state, (flags & 0x20) != 0, (flags & 0x10) != 0, source[2], my, your,
            BinaryPrimitives.ReadUInt32BigEndian(source[12..]), BinaryPrimitives.ReadUInt32BigEndian(source[16..]), BinaryPrimitives.ReadUInt32BigEndian(source[20..]));
        return true;
    }
}
