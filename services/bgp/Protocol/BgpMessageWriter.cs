using System.Buffers;
using System.Buffers.Binary;

namespace IronLb.Bgp.Protocol;

/// <summary>Encodes BGP messages into an <see cref="IBufferWriter{T}"/>, header included.</summary>
internal static class BgpMessageWriter
{
    public static void Write(IBufferWriter<byte> output, BgpMessage message, BgpCodecOptions options)
    {
        switch (message)
        {
            case KeepaliveMessage:
                WriteKeepalive(output);
                break;
            case OpenMessage open:
                WriteOpen(output, open);
                break;
            case NotificationMessage notification:
                WriteNotification(output, notification);
                break;
            case RouteRefreshMessage refresh:
                WriteRouteRefresh(output, refresh.Family);
                break;
            case UpdateMessage update:
                UpdateWriter.Write(output, update, options);
                break;
            default:
                throw new ArgumentException($"unknown message {message.Type}", nameof(message));
        }
    }

    public static byte[] ToArray(BgpMessage message, BgpCodecOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(BgpWire.MaxMessageLength);
        Write(buffer, message, options);
        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteKeepalive(IBufferWriter<byte> output)
    {
        BgpWire.WriteHeader(output.GetSpan(BgpWire.HeaderLength), BgpWire.HeaderLength, BgpMessageType.Keepalive);
        output.Advance(BgpWire.HeaderLength);
    }

    public static void WriteNotification(IBufferWriter<byte> output, NotificationMessage notification)
    {
        // The data is cut so that the message never exceeds the maximum; a NOTIFICATION must always be sendable.
        var data = notification.Data.Span[..Math.Min(notification.Data.Length, BgpWire.MaxMessageLength - BgpWire.MinNotificationLength)];
        var length = BgpWire.MinNotificationLength + data.Length;
        var span = output.GetSpan(length);
        BgpWire.WriteHeader(span, length, BgpMessageType.Notification);
        span[19] = (byte)notification.Code;
        span[20] = notification.Subcode;
        data.CopyTo(span[21..]);
        output.Advance(length);
    }

    public static void WriteRouteRefresh(IBufferWriter<byte> output, BgpFamily family)
    {
        var span = output.GetSpan(BgpWire.RouteRefreshLength);
        BgpWire.WriteHeader(span, BgpWire.RouteRefreshLength, BgpMessageType.RouteRefresh);
        BinaryPrimitives.WriteUInt16BigEndian(span[19..], family.Afi);
        span[21] = 0;
        span[22] = family.Safi;
        output.Advance(BgpWire.RouteRefreshLength);
    }

    public static void WriteOpen(IBufferWriter<byte> output, OpenMessage open)
    {
        Span<byte> capabilities = stackalloc byte[255];
        var capabilityLength = 0;
        foreach (var capability in open.Capabilities)
        {
            capabilityLength += WriteCapability(capabilities[capabilityLength..], capability);
        }

        // One Capabilities optional parameter holds them all (RFC 5492 §4 allows either form).
        var parametersLength = capabilityLength == 0 ? 0 : 2 + capabilityLength;
        if (parametersLength > 255)
        {
            throw new ArgumentException("capabilities exceed one optional parameter", nameof(open));
        }

        var length = BgpWire.MinOpenLength + parametersLength;
        var span = output.GetSpan(length);
        BgpWire.WriteHeader(span, length, BgpMessageType.Open);
        span[19] = open.Version;
        BinaryPrimitives.WriteUInt16BigEndian(span[20..], open.MyAutonomousSystem);
        BinaryPrimitives.WriteUInt16BigEndian(span[22..], open.HoldTime);
        BinaryPrimitives.WriteUInt32BigEndian(span[24..], open.BgpIdentifier);
        span[28] = (byte)parametersLength;
        if (parametersLength > 0)
        {
            span[29] = 2;
            span[30] = (byte)capabilityLength;
            capabilities[..capabilityLength].CopyTo(span[31..]);
        }

        output.Advance(length);
    }

    private static int WriteCapability(Span<byte> destination, Capability capability)
    {
        destination[0] = capability.Code;
        var value = destination[2..];
        int length;
        switch (capability)
        {
            case MultiprotocolCapability mp:
                BinaryPrimitives.WriteUInt16BigEndian(value, mp.Family.Afi);
                value[2] = 0;
                value[3] = mp.Family.Safi;
                length = 4;
                break;
            case RouteRefreshCapability:
                length = 0;
                break;
            case FourOctetAsCapability four:
                BinaryPrimitives.WriteUInt32BigEndian(value, four.Asn);
                length = 4;
                break;
            case GracefulRestartCapability gr:
                BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)((gr.Restarting ? 0x8000 : 0) | (gr.RestartTimeSeconds & 0x0FFF)));
                length = 2;
                foreach (var family in gr.Families)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(value[length..], family.Family.Afi);
                    value[length + 2] = family.Family.Safi;
                    value[length + 3] = family.ForwardingPreserved ? (byte)0x80 : (byte)0;
                    length += 4;
                }

                break;
            case UnknownCapability unknown:
                unknown.Value.CopyTo(value);
                length = unknown.Value.Length;
                break;
            default:
                throw new ArgumentException($"unknown capability {capability.Code}", nameof(capability));
        }

        destination[1] = (byte)length;
        return 2 + length;
    }
}
