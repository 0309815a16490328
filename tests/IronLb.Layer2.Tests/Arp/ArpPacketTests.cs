using System.Net;
using CsCheck;
using IronLb.Layer2.Arp;
using IronLb.Layer2.Capture;

namespace IronLb.Layer2.Tests.Arp;

public class ArpPacketTests
{
    private static readonly MacAddress Peer = MacAddress.Parse("02:00:00:00:00:64");
    private static readonly MacAddress Node = MacAddress.Parse("02:00:00:00:00:11");

    [Fact]
    public void TryParse_ArpingRequest_ReadsEveryField()
    {
        var ok = ArpPacket.TryParse(WireVectors.ArpRequest, out var ethernet, out var packet, out var error);

        Assert.True(ok);
        Assert.Equal(ArpParseError.None, error);
        Assert.Equal(MacAddress.Broadcast, ethernet.Destination);
        Assert.Equal(Peer, ethernet.Source);
        Assert.Equal(ArpOperation.Request, packet.Operation);
        Assert.Equal(Peer, packet.SenderHardwareAddress);
        Assert.Equal(IPAddress.Parse("192.0.2.100"), packet.SenderProtocolAddress);
        Assert.Equal(MacAddress.Zero, packet.TargetHardwareAddress);
        Assert.Equal(IPAddress.Parse("192.0.2.11"), packet.TargetProtocolAddress);
        Assert.False(packet.IsGratuitous);
        Assert.False(packet.IsProbe);
    }

    [Fact]
    public void ReplyTo_ArpingRequest_MatchesLinuxKernelReplyByteForByte()
    {
        Assert.True(ArpPacket.TryParse(WireVectors.ArpRequest, out _, out var request, out _));
        var frame = new byte[ArpPacket.FrameLength];

        var length = ArpPacket.ReplyTo(request, Node).WriteFrame(request.SenderHardwareAddress, Node, frame);

        Assert.Equal(WireVectors.KernelArpReply, frame[..length]);
    }

    [Fact]
    public void Gratuitous_Address_IsRequestWithSenderEqualToTargetAndZeroTargetMac()
    {
        var address = IPAddress.Parse("203.0.113.20");
        var frame = new byte[ArpPacket.FrameLength];
        ArpPacket.Gratuitous(address, Node).WriteFrame(MacAddress.Broadcast, Node, frame);

        Assert.True(ArpPacket.TryParse(frame, out var ethernet, out var parsed, out _));
        Assert.Equal(MacAddress.Broadcast, ethernet.Destination);
        Assert.Equal(ArpOperation.Request, parsed.Operation);
        Assert.True(parsed.IsGratuitous);
        Assert.Equal(address, parsed.SenderProtocolAddress);
        Assert.Equal(Node, parsed.SenderHardwareAddress);
        Assert.Equal(MacAddress.Zero, parsed.TargetHardwareAddress);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(41)]
    public void TryParse_TruncatedFrame_ReportsTruncated(int length)
    {
        var ok = ArpPacket.TryParse(WireVectors.ArpRequest.AsSpan(0, length), out _, out _, out var error);

        Assert.False(ok);
        Assert.Equal(ArpParseError.Truncated, error);
    }

    [Theory]
    [InlineData(15, 0x06, (int)ArpParseError.UnsupportedHardwareType)] // hardware type 6 (IEEE 802) instead of 1
    [InlineData(16, 0x86, (int)ArpParseError.UnsupportedProtocolType)] // protocol type 0x8600
    [InlineData(18, 0x08, (int)ArpParseError.BadAddressLength)] // hardware length 8
    [InlineData(19, 0x10, (int)ArpParseError.BadAddressLength)] // protocol length 16
    [InlineData(21, 0x03, (int)ArpParseError.UnknownOperation)] // RARP request
    [InlineData(12, 0x86, (int)ArpParseError.NotArp)] // EtherType 0x8606
    public void TryParse_CorruptField_ReportsWhichRuleFailed(int offset, byte value, int expected)
    {
        var frame = (byte[])WireVectors.ArpRequest.Clone();
        frame[offset] = value;

        var ok = ArpPacket.TryParse(frame, out _, out _, out var error);

        Assert.False(ok);
        Assert.Equal((ArpParseError)expected, error);
    }

    [Fact]
    public void WriteFrame_IPv6Address_Throws()
    {
        var packet = ArpPacket.Gratuitous(IPAddress.Parse("2001:db8::1"), Node);

        Assert.Throws<ArgumentException>(() => packet.WriteFrame(MacAddress.Broadcast, Node, new byte[ArpPacket.FrameLength]));
    }

    [Fact]
    public void TryParse_ArbitraryBytes_NeverThrows()
    {
        Gen.Byte.Array[0, 80].Sample(bytes =>
        {
            _ = ArpPacket.TryParse(bytes, out _, out _, out _);
        });
    }

    [Fact]
    public void WriteFrameThenTryParse_AnyPacket_RoundTrips()
    {
        var genIp = Gen.UInt.Select(v => new IPAddress(BitConverter.GetBytes(v)));
        var genMac = Gen.ULong.Select(MacAddress.FromUInt64);
        var genPacket = Gen.Select(Gen.Bool.Select(b => b ? ArpOperation.Request : ArpOperation.Reply), genMac, genIp, genMac, genIp)
            .Select((op, sha, spa, tha, tpa) => new ArpPacket(op, sha, spa, tha, tpa));
        genPacket.Sample(packet =>
        {
            var frame = new byte[ArpPacket.FrameLength];
            packet.WriteFrame(MacAddress.Broadcast, packet.SenderHardwareAddress, frame);
            return ArpPacket.TryParse(frame, out _, out var parsed, out _) && parsed == packet;
        });
    }
}
