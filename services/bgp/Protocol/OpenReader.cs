using System.Buffers.Binary;

namespace IronLb.Bgp.Protocol;

/// <summary>Decodes the body of an OPEN message (RFC 4271 §4.2, §6.2; capabilities per RFC 5492).</summary>
internal static class OpenReader
{
    private const byte CapabilitiesParameter = 2;

    public static BgpDecodeResult Read(ReadOnlySpan<byte> body)
    {
        var version = body[0];
        if (version != BgpWire.Version)
        {
            // §6.2: the data is the largest version this speaker supports, as 2 octets.
            return BgpDecodeResult.Fail(BgpErrorCode.OpenMessage, BgpErrorSubcode.UnsupportedVersionNumber, [0, BgpWire.Version]);
        }

        var myAs = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
        var holdTime = BinaryPrimitives.ReadUInt16BigEndian(body[3..]);
        var identifier = BinaryPrimitives.ReadUInt32BigEndian(body[5..]);
        int optionalLength = body[9];
        var parameters = body[10..];
        if (optionalLength != parameters.Length)
        {
            return BgpDecodeResult.Fail(BgpErrorCode.OpenMessage, BgpErrorSubcode.Unspecific);
        }

        var capabilities = new List<Capability>();
        while (!parameters.IsEmpty)
        {
            if (parameters.Length < 2 || parameters.Length < 2 + parameters[1])
            {
                return BgpDecodeResult.Fail(BgpErrorCode.OpenMessage, BgpErrorSubcode.Unspecific);
            }

            var type = parameters[0];
            var value = parameters.Slice(2, parameters[1]);
            if (type != CapabilitiesParameter)
            {
                return BgpDecodeResult.Fail(BgpErrorCode.OpenMessage, BgpErrorSubcode.UnsupportedOptionalParameter);
            }

            if (!TryReadCapabilities(value, capabilities))
            {
                return BgpDecodeResult.Fail(BgpErrorCode.OpenMessage, BgpErrorSubcode.Unspecific);
            }

            parameters = parameters[(2 + value.Length)..];
        }

        return BgpDecodeResult.Ok(new OpenMessage(version, myAs, holdTime, identifier, capabilities));
    }

    private static bool TryReadCapabilities(ReadOnlySpan<byte> source, List<Capability> into)
    {
        while (!source.IsEmpty)
        {
            if (source.Length < 2 || source.Length < 2 + source[1])
            {
                return false;
            }

            var code = source[0];
            var value = source.Slice(2, source[1]);
            Capability? capability = (CapabilityCode)code switch
            {
                CapabilityCode.Multiprotocol when value.Length == 4 =>
                    new MultiprotocolCapability(new BgpFamily(BinaryPrimitives.ReadUInt16BigEndian(value), value[3])),
                CapabilityCode.RouteRefresh when value.IsEmpty => new RouteRefreshCapability(),
                CapabilityCode.FourOctetAs when value.Length == 4 => new FourOctetAsCapability(BinaryPrimitives.ReadUInt32BigEndian(value)),
                CapabilityCode.GracefulRestart when value.Length >= 2 && (value.Length - 2) % 4 == 0 => ReadGracefulRestart(value),
                CapabilityCode.Multiprotocol or CapabilityCode.RouteRefresh or CapabilityCode.FourOctetAs or CapabilityCode.GracefulRestart => null,
                _ => new UnknownCapability(code, value.ToArray()),
            };
            if (capability is null)
            {
                return false;
            }

            into.Add(capability);
            source = source[(2 + value.Length)..];
        }

        return true;
    }

    private static GracefulRestartCapability ReadGracefulRestart(ReadOnlySpan<byte> value)
    {
        var flagsAndTime = BinaryPrimitives.ReadUInt16BigEndian(value);
        var families = new List<GracefulRestartFamily>();
        for (var tuple = value[2..]; !tuple.IsEmpty; tuple = tuple[4..])
        {
            families.Add(new GracefulRestartFamily(new BgpFamily(BinaryPrimitives.ReadUInt16BigEndian(tuple), tuple[2]), (tuple[3] & 0x80) != 0));
        }

        // RFC 4724 §3: the top bit is Restart State (R); the low 12 bits are the restart time in seconds.
        return new GracefulRestartCapability((flagsAndTime & 0x8000) != 0, (ushort)(flagsAndTime & 0x0FFF), families);
    }
}
