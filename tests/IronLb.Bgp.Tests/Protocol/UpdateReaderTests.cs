using System.Buffers.Binary;
using System.Net;
using IronLb.Bgp.Protocol;
using static IronLb.Bgp.Tests.Protocol.BgpMessageReaderTests;
using static IronLb.Bgp.Tests.Protocol.MessageSamples;

namespace IronLb.Bgp.Tests.Protocol;

public sealed class UpdateReaderTests
{
    private static readonly byte[] Origin = [0x40, 1, 1, 0];
    private static readonly byte[] AsPath = [0x40, 2, 6, 2, 1, 0, 0, 0xFB, 0xF5];
    private static readonly byte[] NextHop = [0x40, 3, 4, 192, 0, 2, 11];
    private static readonly byte[] Nlri = [32, 203, 0, 113, 10];

    /// <summary>Builds an UPDATE from raw parts so that each field can be broken on purpose.</summary>
    private static byte[] Update(byte[] withdrawn, byte[] attributes, byte[] nlri)
    {
        var body = new List<byte>();
        body.AddRange([(byte)(withdrawn.Length >> 8), (byte)withdrawn.Length]);
        body.AddRange(withdrawn);
        body.AddRange([(byte)(attributes.Length >> 8), (byte)attributes.Length]);
        body.AddRange(attributes);
        body.AddRange(nlri);
        var message = new byte[19 + body.Count];
        BgpWire.WriteHeader(message, message.Length, BgpMessageType.Update);
        body.CopyTo(message, 19);
        return message;
    }

    private static byte[] Valid(params byte[][] replacing) => Update([], [.. Origin, .. AsPath, .. NextHop, .. replacing.SelectMany(b => b)], Nlri);

    [Fact]
    public void Read_HandBuiltUpdate_Decodes()
    {
        var update = Assert.IsType<UpdateMessage>(Decode(Valid()).Message);

        Assert.Equal([IPNetwork.Parse("203.0.113.10/32")], update.Nlri);
        Assert.Equal([64501u], update.Attributes!.AsPath![0].Asns);
    }

    [Fact]
    public void Read_WithdrawnLengthOverruns_MalformedAttributeList()
    {
        var bytes = Valid();
        bytes[19] = 0x10;

        AssertError(Decode(bytes), BgpErrorCode.UpdateMessage, BgpErrorSubcode.MalformedAttributeList);
    }

    [Fact]
    public void Read_TotalAttributeLengthOverruns_MalformedAttributeList()
    {
        var bytes = Valid();
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(21), 200);

        AssertError(Decode(bytes), BgpErrorCode.UpdateMessage, BgpErrorSubcode.MalformedAttributeList);
    }

    [Fact]
    public void Read_PrefixLongerThan32_InvalidNetworkField()
    {
        AssertError(Decode(Update([], [.. Origin, .. AsPath, .. NextHop], [33, 203, 0, 113, 10, 0])), BgpErrorCode.UpdateMessage, BgpErrorSubcode.InvalidNetworkField);
    }

    [Fact]
    public void Read_WithdrawnPrefixTruncated_InvalidNetworkField()
    {
        AssertError(Decode(Update([24, 203, 0], [], [])), BgpErrorCode.UpdateMessage, BgpErrorSubcode.InvalidNetworkField);
    }

    [Fact]
    public void Read_AttributeOverrunsBlock_SessionResetWithLengthError()
    {
        AssertError(Decode(Update([], [0x40, 1, 5, 0], Nlri)), BgpErrorCode.UpdateMessage, BgpErrorSubcode.AttributeLengthError);
    }

    [Fact]
    public void Read_TruncatedAttributeHeader_MalformedAttributeList()
    {
        AssertError(Decode(Update([], [0x40, 1], Nlri)), BgpErrorCode.UpdateMessage, BgpErrorSubcode.MalformedAttributeList);
    }

    [Fact]
    public void Read_UnrecognizedWellKnown_SessionResetWithAttributeAsData()
    {
        var result = Decode(Valid([0x40, 99, 1, 7]));

        AssertError(result, BgpErrorCode.UpdateMessage, BgpErrorSubcode.UnrecognizedWellKnownAttribute);
        Assert.Equal([0x40, 99, 1, 7], result.Error!.Data.ToArray());
    }

    [Fact]
    public void Read_UnknownOptional_KeptAsRaw()
    {
        var update = Assert.IsType<UpdateMessage>(Decode(Valid([0xC0, 99, 1, 7])).Message);

        Assert.Equal(99, Assert.Single(update.Attributes!.Other).TypeCode);
    }

    [Theory]
    [InlineData(new byte[] { 0x40, 1, 1, 3 }, BgpErrorSubcode.InvalidOriginAttribute)]
    [InlineData(new byte[] { 0x40, 1, 2, 0, 0 }, BgpErrorSubcode.AttributeLengthError)]
    [InlineData(new byte[] { 0xC0, 1, 1, 0 }, BgpErrorSubcode.AttributeFlagsError)]
    public void Read_BadOrigin_TreatAsWithdraw(byte[] origin, byte subcode)
    {
        var bytes = Update([], [.. origin, .. AsPath, .. NextHop], Nlri);

        var result = Decode(bytes);

        AssertError(result, BgpErrorCode.UpdateMessage, subcode, UpdateErrorAction.TreatAsWithdraw);
        Assert.Single(Assert.IsType<UpdateMessage>(result.Message).Nlri);
    }

    [Theory]
    [InlineData(new byte[] { 0x40, 2, 2, 2, 0 })]
    [InlineData(new byte[] { 0x40, 2, 4, 5, 1, 0, 1 })]
    [InlineData(new byte[] { 0x40, 2, 4, 2, 2, 0, 1 })]
    public void Read_MalformedAsPath_TreatAsWithdraw(byte[] asPath)
    {
        AssertError(Decode(Update([], [.. Origin, .. asPath, .. NextHop], Nlri)), BgpErrorCode.UpdateMessage, BgpErrorSubcode.MalformedAsPath, UpdateErrorAction.TreatAsWithdraw);
    }

    [Theory]
    [InlineData(new byte[] { 0x40, 3, 4, 0, 0, 0, 0 }, BgpErrorSubcode.InvalidNextHopAttribute)]
    [InlineData(new byte[] { 0x40, 3, 4, 224, 0, 0, 1 }, BgpErrorSubcode.InvalidNextHopAttribute)]
    [InlineData(new byte[] { 0x40, 3, 3, 192, 0, 2 }, BgpErrorSubcode.AttributeLengthError)]
    public void Read_BadNextHop_TreatAsWithdraw(byte[] nextHop, byte subcode)
    {
        AssertError(Decode(Update([], [.. Origin, .. AsPath, .. nextHop], Nlri)), BgpErrorCode.UpdateMessage, subcode, UpdateErrorAction.TreatAsWithdraw);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 4, 3, 0, 0, 1 }, BgpErrorSubcode.AttributeLengthError)]
    [InlineData(new byte[] { 0x40, 5, 5, 0, 0, 0, 1, 0 }, BgpErrorSubcode.AttributeLengthError)]
    [InlineData(new byte[] { 0xC0, 8, 3, 0, 0, 1 }, BgpErrorSubcode.OptionalAttributeError)]
    [InlineData(new byte[] { 0xC0, 8, 0 }, BgpErrorSubcode.OptionalAttributeError)]
    [InlineData(new byte[] { 0xC0, 32, 4, 0, 0, 0, 1 }, BgpErrorSubcode.OptionalAttributeError)]
    [InlineData(new byte[] { 0x40, 8, 4, 0, 0, 0, 1 }, BgpErrorSubcode.AttributeFlagsError)]
    public void Read_MalformedOptionalOrLocalPref_TreatAsWithdraw(byte[] attribute, byte subcode)
    {
        AssertError(Decode(Valid(attribute)), BgpErrorCode.UpdateMessage, subcode, UpdateErrorAction.TreatAsWithdraw);
    }

    [Theory]
    [InlineData(new byte[] { 0x40, 6, 1, 0 })]
    [InlineData(new byte[] { 0xC0, 7, 3, 0, 0, 1 })]
    public void Read_MalformedAtomicAggregateOrAggregator_AttributeDiscard(byte[] attribute)
    {
        var result = Decode(Valid(attribute));

        Assert.Equal(UpdateErrorAction.AttributeDiscard, result.Action);
        var update = Assert.IsType<UpdateMessage>(result.Message);
        Assert.False(update.Attributes!.AtomicAggregate);
        Assert.Null(update.Attributes.Aggregator);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Read_MissingWellKnownAttribute_TreatAsWithdrawNamingIt(int missing)
    {
        byte[][] parts = [Origin, AsPath, NextHop];

        var result = Decode(Update([], parts.Where((_, i) => i != missing).SelectMany(p => p).ToArray(), Nlri));

        AssertError(result, BgpErrorCode.UpdateMessage, BgpErrorSubcode.MissingWellKnownAttribute, UpdateErrorAction.TreatAsWithdraw);
        Assert.Equal([(byte)(missing + 1)], result.Error!.Data.ToArray());
    }

    [Fact]
    public void Read_WithdrawOnlyWithoutAttributes_IsValid()
    {
        var result = Decode(Update([24, 203, 0, 113], [], []));

        Assert.Equal(UpdateErrorAction.None, result.Action);
        Assert.Equal([IPNetwork.Parse("203.0.113.0/24")], Assert.IsType<UpdateMessage>(result.Message).Withdrawn);
    }

    [Fact]
    public void Read_DuplicateOrigin_FirstWins()
    {
        var update = Assert.IsType<UpdateMessage>(Decode(Valid([0x40, 1, 1, 2])).Message);

        Assert.Equal(BgpOrigin.Igp, update.Attributes!.Origin);
    }

    [Fact]
    public void Read_DuplicateMpReach_MalformedAttributeList()
    {
        byte[] mpReach = [0x80, 14, 21, 0, 2, 1, 16, 0x20, 1, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0];

        AssertError(Decode(Update([], [.. Origin, .. AsPath, .. mpReach, .. mpReach], [])), BgpErrorCode.UpdateMessage, BgpErrorSubcode.MalformedAttributeList);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 14, 4, 0, 2, 1, 16 })]
    [InlineData(new byte[] { 0x80, 14, 9, 0, 2, 1, 4, 192, 0, 2, 11, 0 })]
    [InlineData(new byte[] { 0x80, 15, 2, 0, 2 })]
    public void Read_MalformedMpAttribute_SessionReset(byte[] attribute)
    {
        var result = Decode(Update([], [.. Origin, .. AsPath, .. attribute], []));

        Assert.True(result.IsSessionReset);
        Assert.Equal(BgpErrorCode.UpdateMessage, result.Error!.Code);
    }

    [Fact]
    public void Read_ExtendedLengthAttribute_Decodes()
    {
        var communities = Enumerable.Range(0, 100).Select(i => (uint)i).ToArray();
        var update = new UpdateMessage([], Attributes() with { Communities = communities }, [IPNetwork.Parse("203.0.113.1/32")]);

        var decoded = Assert.IsType<UpdateMessage>(Decode(Encode(update)).Message);

        Assert.Equal(communities, decoded.Attributes!.Communities);
    }
}
