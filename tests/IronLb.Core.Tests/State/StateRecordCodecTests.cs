using CsCheck;
using IronLb.Core.State;

namespace IronLb.Core.Tests.State;

public sealed class StateRecordCodecTests
{
    private static readonly Gen<string> Keys = Gen.String["abcxyz019/|:-_é✓"];

    [Fact]
    public void DecodeRecord_EncodedRecord_RoundTrips()
    {
        Gen.Select(Keys, Gen.Long, Gen.Byte.Array[0, 64]).Sample((key, version, value) =>
        {
            var decoded = StateRecordCodec.DecodeRecord(StateRecordCodec.EncodeRecord(new StateRecord(key, version, value)));

            Assert.Equal(key, decoded.Key);
            Assert.Equal(version, decoded.Version);
            Assert.Equal(value, decoded.Value);
        });
    }

    [Fact]
    public void DecodeRecord_AnyTruncation_Rejected()
    {
        Gen.Select(Keys, Gen.Byte.Array[0, 32], Gen.Int[0, 1000]).Sample((key, value, cut) =>
        {
            var encoded = StateRecordCodec.EncodeRecord(new StateRecord(key, 1, value));
            var length = cut % encoded.Length;

            Assert.Throws<InvalidDataException>(() => StateRecordCodec.DecodeRecord(encoded.AsSpan(0, length)));
        });
    }

    [Fact]
    public void DecodeRecord_TrailingBytes_Rejected()
    {
        var encoded = StateRecordCodec.EncodeRecord(new StateRecord("k", 1, [1, 2])).Append((byte)0).ToArray();

        Assert.Throws<InvalidDataException>(() => StateRecordCodec.DecodeRecord(encoded));
    }

    [Fact]
    public void DecodeJournal_EncodedSteps_RoundTrips()
    {
        var steps = Gen.Select(Keys, Gen.Long[1, 1000], Gen.Byte.Array[0, 16], Gen.Bool,
            (key, version, value, delete) => delete
                ? new JournalStep(StateOperationKind.Delete, key, 0, [])
                : new JournalStep(StateOperationKind.Upsert, key, version, value));
        steps.Array[0, 8].Sample(list =>
        {
            var decoded = StateRecordCodec.DecodeJournal(StateRecordCodec.EncodeJournal(list));

            Assert.Equal(list.Length, decoded.Count);
            for (var i = 0; i < list.Length; i++)
            {
                Assert.Equal((list[i].Kind, list[i].Key, list[i].Version), (decoded[i].Kind, decoded[i].Key, decoded[i].Version));
                Assert.Equal(list[i].Value, decoded[i].Value);
            }
        });
    }

    [Fact]
    public void DecodeJournal_RecordFile_Rejected()
    {
        var record = StateRecordCodec.EncodeRecord(new StateRecord("k", 1, [1]));

        Assert.Throws<InvalidDataException>(() => StateRecordCodec.DecodeJournal(record));
    }
}
