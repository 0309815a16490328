using System.Buffers.Binary;
using System.Net;
using IronLb.Bgp.Protocol;
using static IronLb.Bgp.Tests.Protocol.MessageSamples;

namespace IronLb.Bgp.Tests.Protocol;

public sealed class BgpMessageReaderTests
{
    [Fact]
    public void Read_Keepalive_ReturnsKeepalive()
    {
        var result = Decode(Encode(KeepaliveMessage.Instance));

        Assert.IsType<KeepaliveMessage>(result.Message);
        Assert.Equal(19, Encode(KeepaliveMessage.Instance).Length);
    }

    [Fact]
    public void Read_Open_RoundTripsEveryCapability()
    {
        var open = Open();

        var decoded = Assert.IsType<OpenMessage>(Decode(Encode(open)).Message);

        Assert.Equal(open.HoldTime, decoded.HoldTime);
        Assert.Equal(open.BgpIdentifier, decoded.BgpIdentifier);
        Assert.Equal(open.Capabilities, decoded.Capabilities);
        Assert.Equal(4200000001u, decoded.AutonomousSystem);
    }

    [Fact]
    public void Read_Ipv4Update_RoundTripsAttributesAndPrefixes()
    {
        var update = Ipv4Update();

        var result = Decode(Encode(update));

        var decoded = Assert.IsType<UpdateMessage>(result.Message);
        Assert.Equal(UpdateErrorAction.None, result.Action);
        Assert.Equal(update.Withdrawn, decoded.Withdrawn);
        Assert.Equal(update.Nlri, decoded.Nlri);
        var a = decoded.Attributes!;
        Assert.Equal(BgpOrigin.Incomplete, a.Origin);
        Assert.Equal(update.Attributes!.AsPath, a.AsPath);
        Assert.Equal(IPAddress.Parse("192.0.2.11"), a.NextHop);
        Assert.Equal(10u, a.MultiExitDisc);
        Assert.Equal(200u, a.LocalPref);
        Assert.Equal(update.Attributes.Communities, a.Communities);
        Assert.Equal(update.Attributes.LargeCommunities, a.LargeCommunities);
    }

    [Fact]
    public void Read_Ipv6Update_RoundTripsMpReachAndUnreach()
    {
        var decoded = Assert.IsType<UpdateMessage>(Decode(Encode(Ipv6Update())).Message);

        var reach = decoded.Attributes!.MpReach!;
        Assert.Equal(BgpFamily.Ipv6Unicast, reach.Family);
        Assert.Equal(IPAddress.Parse("2001:db8:1::11"), reach.NextHop);
        Assert.Equal(IPAddress.Parse("fe80::1"), reach.LinkLocalNextHop);
        Assert.Equal(Ipv6Update().Attributes!.MpReach!.Prefixes, reach.Prefixes);
        Assert.Equal([IPNetwork.Parse("2001:db8:300::/64")], decoded.Attributes.MpUnreach!.Prefixes);
    }

    [Fact]
    public void Read_TwoOctetSessionWithWideAsn_UsesAsTransAndMergesAs4Path()
    {
        var update = Ipv4Update();

        var bytes = Encode(update, fourOctetAs: false);
        var decoded = Assert.IsType<UpdateMessage>(Decode(bytes, fourOctetAs: false).Message);

        Assert.True(bytes.AsSpan().IndexOf([(byte)(BgpWire.AsTrans >> 8), unchecked((byte)BgpWire.AsTrans)]) >= 0);
        Assert.True(bytes.AsSpan().IndexOf([(byte)(AttributeFlags.Optional | AttributeFlags.Transitive), (byte)PathAttributeType.As4Path]) >= 0);
        Assert.Equal(update.Attributes!.AsPath, decoded.Attributes!.AsPath);
    }

    [Fact]
    public void Read_EmptyUpdate_IsIpv4EndOfRib()
    {
        var decoded = Assert.IsType<UpdateMessage>(Decode(Encode(new UpdateMessage([], null, []))).Message);

        Assert.Equal(BgpFamily.Ipv4Unicast, decoded.EndOfRibFamily);
    }

    [Fact]
    public void Read_EmptyMpUnreach_IsIpv6EndOfRib()
    {
        var eor = new UpdateMessage([], new PathAttributes { MpUnreach = new MpUnreachNlri(BgpFamily.Ipv6Unicast, []) }, []);

        var decoded = Assert.IsType<UpdateMessage>(Decode(Encode(eor)).Message);

        Assert.Equal(BgpFamily.Ipv6Unicast, decoded.EndOfRibFamily);
    }

    [Fact]
    public void Read_RouteRefresh_RoundTrips()
    {
        var decoded = Assert.IsType<RouteRefreshMessage>(Decode(Encode(new RouteRefreshMessage(BgpFamily.Ipv6Unicast))).Message);

        Assert.Equal(BgpFamily.Ipv6Unicast, decoded.Family);
    }

    [Fact]
    public void Read_Notification_KeepsCodeSubcodeAndData()
    {
        var decoded = Assert.IsType<NotificationMessage>(Decode(Encode(new NotificationMessage(BgpErrorCode.Cease, 2, new byte[] { 1, 2, 3 }))).Message);

        Assert.Equal((BgpErrorCode.Cease, (byte)2), (decoded.Code, decoded.Subcode));
        Assert.Equal([1, 2, 3], decoded.Data.ToArray());
    }

    [Fact]
    public void ReadHeader_BadMarker_ConnectionNotSynchronized()
    {
        var bytes = Encode(KeepaliveMessage.Instance);
        bytes[3] = 0;

        AssertError(Decode(bytes), BgpErrorCode.MessageHeader, BgpErrorSubcode.ConnectionNotSynchronized);
    }

    [Theory]
    [InlineData(18)]
    [InlineData(4097)]
    [InlineData(20)]
    public void ReadHeader_BadLength_BadMessageLengthWithLengthAsData(int length)
    {
        var bytes = Encode(KeepaliveMessage.Instance);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(16), (ushort)length);

        BgpMessageReader.ReadHeader(bytes, out var error);

        Assert.Equal((BgpErrorCode.MessageHeader, BgpErrorSubcode.BadMessageLength), (error!.Code, error.Subcode));
        Assert.Equal(length, BinaryPrimitives.ReadUInt16BigEndian(error.Data.Span));
    }

    [Theory]
    [InlineData(1, 28)]
    [InlineData(2, 22)]
    [InlineData(3, 20)]
    public void ReadHeader_LengthTooShortForType_BadMessageLength(byte type, int length)
    {
        var bytes = new byte[19];
        BgpWire.WriteHeader(bytes, length, (BgpMessageType)type);

        BgpMessageReader.ReadHeader(bytes, out var error);

        Assert.Equal((BgpErrorCode.MessageHeader, BgpErrorSubcode.BadMessageLength), (error!.Code, error.Subcode));
    }

    [Fact]
    public void ReadHeader_UnknownType_BadMessageTypeWithType()
    {
        var bytes = Encode(KeepaliveMessage.Instance);
        bytes[18] = 9;

        BgpMessageReader.ReadHeader(bytes, out var error);

        Assert.Equal((BgpErrorCode.MessageHeader, BgpErrorSubcode.BadMessageType), (error!.Code, error.Subcode));
        Assert.Equal([9], error.Data.ToArray());
    }

    [Fact]
    public void Read_LengthFieldDisagreesWithBuffer_BadMessageLength()
    {
        var bytes = Encode(Open());

        AssertError(Decode(bytes[..^1]), BgpErrorCode.MessageHeader, BgpErrorSubcode.BadMessageLength);
    }

    [Fact]
    public void Read_RouteRefreshWrongLength_InvalidMessageLength()
    {
        var bytes = Encode(new RouteRefreshMessage(BgpFamily.Ipv4Unicast)).Concat(new byte[] { 0 }).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(16), (ushort)bytes.Length);

        AssertError(Decode(bytes), BgpErrorCode.RouteRefreshMessage, BgpErrorSubcode.InvalidMessageLength);
    }

    internal static void AssertError(BgpDecodeResult result, BgpErrorCode code, byte subcode, UpdateErrorAction action = UpdateErrorAction.SessionReset)
    {
        Assert.NotNull(result.Error);
        Assert.Equal((code, subcode, action), (result.Error.Code, result.Error.Subcode, result.Action));
    }
}
