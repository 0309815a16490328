using System.Buffers;
using System.Buffers.Binary;
using System.Net;

namespace IronLb.Bgp.Protocol;

/// <summary>Encodes UPDATE messages (RFC 4271 §4.3, RFC 4760, RFC 6793 §4.2.2 for 2-octet peers).</summary>
internal static class UpdateWriter
{
    public static void Write(IBufferWriter<byte> output, UpdateMessage update, BgpCodecOptions options)
    {
        var attributes = update.Attributes is null ? [] : AttributeWriter.Encode(update.Attributes, options);
        var withdrawnLength = update.Withdrawn.Sum(PrefixCodec.EncodedLength);
        var nlriLength = update.Nlri.Sum(PrefixCodec.EncodedLength);
        var length = BgpWire.HeaderLength + 4 + withdrawnLength + attributes.Length + nlriLength;
        if (length > BgpWire.MaxMessageLength)
        {
            throw new ArgumentException($"UPDATE of {length} octets exceeds the BGP maximum", nameof(update));
        }

        var span = output.GetSpan(length);
        BgpWire.WriteHeader(span, length, BgpMessageType.Update);
        var at = BgpWire.HeaderLength;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)withdrawnLength);
        at += 2;
        at += WritePrefixes(span[at..], update.Withdrawn);
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)attributes.Length);
        at += 2;
        attributes.CopyTo(span[at..]);
        at += attributes.Length;
        at += WritePrefixes(span[at..], update.Nlri);
        output.Advance(at);
    }

    private static int WritePrefixes(Span<byte> destination, IReadOnlyList<IPNetwork> prefixes)
    {
        var written = 0;
        foreach (var prefix in prefixes)
        {
            written += PrefixCodec.Write(destination[written..], prefix);
        }

        return written;
    }
}
