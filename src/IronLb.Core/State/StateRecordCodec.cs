using System.Buffers.Binary;
using System.Text;

namespace IronLb.Core.State;

/// <summary>One key's durable form: its key, its version (the ETag) and its value.</summary>
internal readonly record struct StateRecord(string Key, long Version, byte[] Value);

/// <summary>One step of a committed transaction as the journal keeps it: the version it leaves behind.</summary>
internal readonly record struct JournalStep(StateOperationKind Kind, string Key, long Version, byte[] Value);

/// <summary>Encodes and decodes the two on-disk formats of <see cref="FileStateStore"/>.</summary>
/// <remarks>
/// Record file: "ILBS" | format 1 | version i64 | key length i32 | key UTF-8 | value length i32 | value.
/// Journal file: "ILBJ" | format 1 | step count i32 | steps (kind u8 | version i64 | key | value, lengths as above).
/// All integers little-endian. A file whose lengths do not add up exactly is rejected rather than
/// half-read: files only appear under their final name through an atomic rename of a flushed
/// temporary file, so a mismatch means outside damage, and silently losing state would be worse.
/// </remarks>
internal static class StateRecordCodec
{
    private const byte FormatVersion = 1;
    private static ReadOnlySpan<byte> RecordMagic => "ILBS"u8;
    private static ReadOnlySpan<byte> JournalMagic => "ILBJ"u8;

    public static byte[] EncodeRecord(StateRecord record)
    {
        var keyBytes = Encoding.UTF8.GetBytes(record.Key);
        var buffer = new byte[RecordMagic.Length + 1 + 8 + 4 + keyBytes.Length + 4 + record.Value.Length];
        var span = buffer.AsSpan();
        RecordMagic.CopyTo(span);
        span[4] = FormatVersion;
        var rest = span[5..];
        WriteInt64(ref rest, record.Version);
        WriteBytes(ref rest, keyBytes);
        WriteBytes(ref rest, record.Value);
        return buffer;
    }

    public static StateRecord DecodeRecord(ReadOnlySpan<byte> data)
    {
        var rest = ReadHeader(data, RecordMagic);
        var version = ReadInt64(ref rest);
        var key = Encoding.UTF8.GetString(ReadBytes(ref rest));
        var value = ReadBytes(ref rest).ToArray();
        EnsureConsumed(rest);
        return new StateRecord(key, version, value);
    }

    public static byte[] EncodeJournal(IReadOnlyList<JournalStep> steps)
    {
        var keys = steps.Select(s => Encoding.UTF8.GetBytes(s.Key)).ToArray();
        var length = JournalMagic.Length + 1 + 4;
        for (var i = 0; i < steps.Count; i++)
        {
            length += 1 + 8 + 4 + keys[i].Length + 4 + steps[i].Value.Length;
        }

        var buffer = new byte[length];
        var span = buffer.AsSpan();
        JournalMagic.CopyTo(span);
        span[4] = FormatVersion;
        var rest = span[5..];
        BinaryPrimitives.WriteInt32LittleEndian(rest, steps.Count);
        rest = rest[4..];
        for (var i = 0; i < steps.Count; i++)
        {
            rest[0] = (byte)steps[i].Kind;
            rest = rest[1..];
            WriteInt64(ref rest, steps[i].Version);
            WriteBytes(ref rest, keys[i]);
            WriteBytes(ref rest, steps[i].Value);
        }

        return buffer;
    }

    public static IReadOnlyList<JournalStep> DecodeJournal(ReadOnlySpan<byte> data)
    {
        var rest = ReadHeader(data, JournalMagic);
        var count = ReadLength(ref rest);
        var steps = new List<JournalStep>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            if (rest.Length < 1)
            {
                throw new InvalidDataException("Journal ends inside a step.");
            }

            var kind = (StateOperationKind)rest[0];
            if (kind is not (StateOperationKind.Upsert or StateOperationKind.Delete))
            {
                throw new InvalidDataException($"Unknown journal step kind {rest[0]}.");
            }

            rest = rest[1..];
            var version = ReadInt64(ref rest);
            var key = Encoding.UTF8.GetString(ReadBytes(ref rest));
            var value = ReadBytes(ref rest).ToArray();
            steps.Add(new JournalStep(kind, key, version, value));
        }

        EnsureConsumed(rest);
        return steps;
    }

    private static ReadOnlySpan<byte> ReadHeader(ReadOnlySpan<byte> data, ReadOnlySpan<byte> magic)
    {
        if (data.Length < magic.Length + 1 || !data[..magic.Length].SequenceEqual(magic))
        {
            throw new InvalidDataException("Not an IronLB state file.");
        }

        if (data[magic.Length] != FormatVersion)
        {
            throw new InvalidDataException($"Unsupported state file format {data[magic.Length]}.");
        }

        return data[(magic.Length + 1)..];
    }

    private static void WriteInt64(ref Span<byte> span, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(span, value);
        span = span[8..];
    }

    private static void WriteBytes(ref Span<byte> span, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span, bytes.Length);
        bytes.CopyTo(span[4..]);
        span = span[(4 + bytes.Length)..];
    }

    private static long ReadInt64(ref ReadOnlySpan<byte> span)
    {
        if (span.Length < 8)
        {
            throw new InvalidDataException("State file truncated.");
        }

        var value = BinaryPrimitives.ReadInt64LittleEndian(span);
        span = span[8..];
        return value;
    }

    private static int ReadLength(ref ReadOnlySpan<byte> span)
    {
        if (span.Length < 4)
        {
            throw new InvalidDataException("State file truncated.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span);
        span = span[4..];
        if (length < 0)
        {
            throw new InvalidDataException("Negative length in state file.");
        }

        return length;
    }

    private static ReadOnlySpan<byte> ReadBytes(ref ReadOnlySpan<byte> span)
    {
        var length = ReadLength(ref span);
        if (span.Length < length)
        {
            throw new InvalidDataException("State file truncated.");
        }

        var bytes = span[..length];
        span = span[length..];
        return bytes;
    }

    private static void EnsureConsumed(ReadOnlySpan<byte> rest)
    {
        if (!rest.IsEmpty)
        {
            throw new InvalidDataException("Trailing bytes in state file.");
        }
    }
}
