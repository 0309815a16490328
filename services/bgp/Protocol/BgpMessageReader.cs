using System.Buffers.Binary;

namespace IronLb.Bgp.Protocol;

/// <summary>Decodes BGP messages from spans. Every length field is checked against the bytes actually present.</summary>
internal static class BgpMessageReader
{
    /// <summary>
    /// Validates a message header (RFC 4271 §6.1). Returns the total message length, or 0 and a NOTIFICATION.
    /// Needs at least <see cref="BgpWire.HeaderLength"/> bytes.
    /// </summary>
    public static int ReadHeader(ReadOnlySpan<byte> header, out NotificationMessage? error)
    {
        error = null;
        if (!BgpWire.IsMarkerValid(header))
        {
            error = new NotificationMessage(BgpErrorCode.MessageHeader, BgpErrorSubcode.ConnectionNotSynchronized);
            return 0;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(header[16..]);
        var type = header[18];
        var badLength = length < BgpWire.HeaderLength || length > BgpWire.MaxMessageLength || (BgpMessageType)type switch
        {
            BgpMessageType.Open => length < BgpWire.MinOpenLength,
            BgpMessageType.Update => length < BgpWire.MinUpdateLength,
            BgpMessageType.Notification => length < BgpWire.MinNotificationLength,
            BgpMessageType.Keepalive => length != BgpWire.HeaderLength,
            _ => false,
        };
        if (type is < 1 or > 5 && !badLength)
        {
            // §6.1: the data field carries the unrecognized type.
            error = new NotificationMessage(BgpErrorCode.MessageHeader, BgpErrorSubcode.BadMessageType, new[] { type });
            return 0;
        }

        if (badLength)
        {
            // §6.1: the data field carries the erroneous Length field.
            error = new NotificationMessage(BgpErrorCode.MessageHeader, BgpErrorSubcode.BadMessageLength, header.Slice(16, 2).ToArray());
            return 0;
        }

        return length;
    }

    /// <summary>Decodes one whole message, header included.</summary>
    public static BgpDecodeResult Read(ReadOnlySpan<byte> message, BgpCodecOptions options)
    {
        if (message.Length < BgpWire.HeaderLength)
        {
            return BgpDecodeResult.Fail(BgpErrorCode.MessageHeader, BgpErrorSubcode.BadMessageLength, [0, (byte)message.Length]);
        }

        var length = ReadHeader(message, out var error);
        if (error is not null)
        {
            return new BgpDecodeResult(null, error, UpdateErrorAction.SessionReset);
        }

        if (length != message.Length)
        {
            return BgpDecodeResult.Fail(BgpErrorCode.MessageHeader, BgpErrorSubcode.BadMessageLength, message.Slice(16, 2));
        }

        var body = message[BgpWire.HeaderLength..];
        return (BgpMessageType)message[18] switch
        {
            BgpMessageType.Open => OpenReader.Read(body),
            BgpMessageType.Update => UpdateReader.Read(body, options),
            BgpMessageType.Notification => BgpDecodeResult.Ok(new NotificationMessage((BgpErrorCode)body[0], body[1], body[2..].ToArray())),
            BgpMessageType.Keepalive => BgpDecodeResult.Ok(KeepaliveMessage.Instance),
            _ => ReadRouteRefresh(body),
        };
    }

    private static BgpDecodeResult ReadRouteRefresh(ReadOnlySpan<byte> body)
    {
        // RFC 7313 §5: a ROUTE-REFRESH whose body is not 4 octets is an "Invalid Message Length"; the data is the whole message.
        if (body.Length != 4)
        {
            return BgpDecodeResult.Fail(BgpErrorCode.RouteRefreshMessage, BgpErrorSubcode.InvalidMessageLength, body);
        }

        return BgpDecodeResult.Ok(new RouteRefreshMessage(new BgpFamily(BinaryPrimitives.ReadUInt16BigEndian(body), body[3])));
    }
}
