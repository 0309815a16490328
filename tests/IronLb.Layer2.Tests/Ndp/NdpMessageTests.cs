using System.Net;
using CsCheck;
using IronLb.Layer2.Capture;
using IronLb.Layer2.Ndp;

namespace IronLb.Layer2.Tests.Ndp;

public class NdpMessageTests
{
    private static readonly MacAddress Peer = MacAddress.Parse("02:00:00:00:00:64");
    private static readonly MacAddress Node = MacAddress.Parse("02:00:00:00:00:11");
    private static readonly IPAddress Target = IPAddress.Parse("2001:db8:1::11");

    [Fact]
    public void TryParse_Ndisc6Solicitation_ReadsAddressesAndSourceLinkLayerOption()
    {
        var ok = NdpMessage.TryParse(WireVectors.NeighborSolicitation, out var ethernet, out var message, out var error);

        Assert.True(ok, error.ToString());
        Assert.Equal(Peer, ethernet.Source);
        Assert.Equal(NdpMessageType.NeighborSolicitation, message!.Type);
        Assert.Equal(IPAddress.Parse("fe80::ff:fe00:64"), message.Source);
        Assert.Equal(IPAddress.Parse("ff02::1:ff00:11"), message.Destination);
        Assert.Equal(Target, message.Target);
        Assert.Equal(Peer, message.LinkLayerAddress);
    }

    [Fact]
    public void AdvertisementFor_Ndisc6Solicitation_MatchesLinuxKernelAdvertisementByteForByte()
    {
        Assert.True(NdpMessage.TryParse(WireVectors.NeighborSolicitation, out _, out var solicitation, out _));
        var frame = new byte[NdpMessage.MaxFrameLength];

        var length = NdpMessage.AdvertisementFor(solicitation!, Node).WriteFrame(Peer, Node, frame);

        Assert.Equal(WireVectors.KernelNeighborAdvertisement, frame[..length]);
    }

    [Fact]
    public void TryParse_KernelAdvertisement_ReadsSolicitedAndOverrideFlags()
    {
        Assert.True(NdpMessage.TryParse(WireVectors.KernelNeighborAdvertisement, out _, out var message, out _));

        Assert.Equal(NdpMessageType.NeighborAdvertisement, message!.Type);
        Assert.Equal(NeighborAdvertisementFlags.Solicited | NeighborAdvertisementFlags.Override, message.Flags);
        Assert.Equal(Node, message.LinkLayerAddress);
    }

    [Fact]
    public void TryParse_KernelDadProbeWithNonceOption_AcceptedWithoutLinkLayerAddress()
    {
        Assert.True(NdpMessage.TryParse(WireVectors.DadSolicitation, out _, out var message, out var error), error.ToString());

        Assert.Equal(IPAddress.IPv6None, message!.Source);
        Assert.Null(message.LinkLayerAddress);
    }

    [Fact]
    public void AdvertisementFor_DadProbe_GoesToAllNodesWithoutSolicitedFlag()
    {
        Assert.True(NdpMessage.TryParse(WireVectors.DadSolicitation, out _, out var probe, out _));

        var advertisement = NdpMessage.AdvertisementFor(probe!, Node);

        Assert.Equal(SolicitedNodeAddress.AllNodes, advertisement.Destination);
        Assert.Equal(NeighborAdvertisementFlags.Override, advertisement.Flags);
    }

    [Fact]
    public void UnsolicitedAdvertisement_Address_ParsesBackWithOverrideOnlyToAllNodes()
    {
        var frame = new byte[NdpMessage.MaxFrameLength];
        var allNodesMac = SolicitedNodeAddress.MulticastMac(SolicitedNodeAddress.AllNodes);
        var length = NdpMessage.UnsolicitedAdvertisement(Target, Node).WriteFrame(allNodesMac, Node, frame);

        Assert.True(NdpMessage.TryParse(frame.AsSpan(0, length), out var ethernet, out var parsed, out var error), error.ToString());
        Assert.Equal(MacAddress.Parse("33:33:00:00:00:01"), ethernet.Destination);
        Assert.Equal(NeighborAdvertisementFlags.Override, parsed!.Flags);
        Assert.Equal(Target, parsed.Source);
        Assert.Equal(Node, parsed.LinkLayerAddress);
    }

    [Fact]
    public void SolicitedNodeAddress_Target_KeepsLow24Bits()
    {
        Assert.Equal(IPAddress.Parse("ff02::1:ff00:11"), SolicitedNodeAddress.For(Target));
        Assert.Equal(MacAddress.Parse("33:33:ff:00:00:11"), SolicitedNodeAddress.MulticastMac(SolicitedNodeAddress.For(Target)));
    }

    [Theory]
    [InlineData("ff02::1:ff00:11", "2001:db8:1::11", true)]
    [InlineData("ff02::1:ff00:11", "fe80::ff:fe00:11", true)]
    [InlineData("ff02::1:ff00:12", "2001:db8:1::11", false)]
    [InlineData("ff02::1", "2001:db8:1::11", false)]
    [InlineData("ff05::1:ff00:11", "2001:db8:1::11", false)]
    [InlineData("192.0.2.11", "2001:db8:1::11", false)]
    public void IsGroupOf_GroupAndAddress_MatchesOnlyTheSolicitedNodeGroup(string group, string address, bool expected)
    {
        Assert.Equal(expected, SolicitedNodeAddress.IsGroupOf(IPAddress.Parse(group), IPAddress.Parse(address)));
    }

    public static TheoryData<int, byte, int> Corruptions => new()
    {
        { 12, 0x08, (int)NdpParseError.NotIPv6 },                  // EtherType 0x08dd
        { 14, 0x40, (int)NdpParseError.BadIPVersion },
        { 20, 0x00, (int)NdpParseError.NotIcmpv6 },                // next header 0 (hop-by-hop)
        { 21, 0x40, (int)NdpParseError.HopLimitNot255 },           // routed: RFC 4861 §7.1.1
        { 54, 0x80, (int)NdpParseError.NotNeighborDiscovery },     // echo request
        { 55, 0x01, (int)NdpParseError.BadCode },
        { 57, 0x7b, (int)NdpParseError.BadChecksum },
        { 78, 0x02, (int)NdpParseError.BadChecksum },              // a changed option byte breaks the checksum first
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void TryParse_CorruptField_ReportsWhichRuleFailed(int offset, byte value, int expected)
    {
        var frame = (byte[])WireVectors.NeighborSolicitation.Clone();
        frame[offset] = value;

        Assert.False(NdpMessage.TryParse(frame, out _, out _, out var error));
        Assert.Equal((NdpParseError)expected, error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    [InlineData(53)]
    [InlineData(77)]
    [InlineData(85)]
    public void TryParse_TruncatedFrame_ReportsTruncated(int length)
    {
        Assert.False(NdpMessage.TryParse(WireVectors.NeighborSolicitation.AsSpan(0, length), out _, out _, out var error));
        Assert.Equal(NdpParseError.Truncated, error);
    }

    [Fact]
    public void TryParse_ZeroLengthOption_RejectedAsBadOption()
    {
        // RFC 4861 §7.1.1: every option's length must be non-zero, or a receiver would loop forever.
        var frame = Resign(WireVectors.NeighborSolicitation, f => f[79] = 0);

        Assert.False(NdpMessage.TryParse(frame, out _, out _, out var error));
        Assert.Equal(NdpParseError.BadOption, error);
    }

    [Fact]
    public void TryParse_OptionLongerThanMessage_RejectedAsBadOption()
    {
        var frame = Resign(WireVectors.NeighborSolicitation, f => f[79] = 2);

        Assert.False(NdpMessage.TryParse(frame, out _, out _, out var error));
        Assert.Equal(NdpParseError.BadOption, error);
    }

    [Fact]
    public void TryParse_MulticastTarget_Rejected()
    {
        var frame = Resign(WireVectors.NeighborSolicitation, f => f[62] = 0xFF);

        Assert.False(NdpMessage.TryParse(frame, out _, out _, out var error));
        Assert.Equal(NdpParseError.MulticastTarget, error);
    }

    [Fact]
    public void TryParse_DadProbeToUnicast_Rejected()
    {
        var frame = Resign(WireVectors.DadSolicitation, f => WireVectors.Hex("2001 0db8 0000 0000 0000 0000 0000 0001").CopyTo(f, 38));

        Assert.False(NdpMessage.TryParse(frame, out _, out _, out var error));
        Assert.Equal(NdpParseError.UnspecifiedSourceNotToSolicitedNode, error);
    }

    [Fact]
    public void TryParse_DadProbeWithSourceLinkLayerOption_Rejected()
    {
        // Turn the nonce option (type 14) into a source link-layer option (type 1).
        var frame = Resign(WireVectors.DadSolicitation, f => f[78] = 1);

        Assert.False(NdpMessage.TryParse(frame, out _, out _, out var error));
        Assert.Equal(NdpParseError.UnspecifiedSourceWithLinkLayerOption, error);
    }

    [Fact]
    public void TryParse_SolicitedAdvertisementToMulticast_Rejected()
    {
        var frame = new byte[NdpMessage.MaxFrameLength];
        var bad = NdpMessage.UnsolicitedAdvertisement(Target, Node) with { Flags = NeighborAdvertisementFlags.Solicited };
        var length = bad.WriteFrame(Peer, Node, frame);

        Assert.False(NdpMessage.TryParse(frame.AsSpan(0, length), out _, out _, out var error));
        Assert.Equal(NdpParseError.SolicitedFlagOnMulticast, error);
    }

    [Fact]
    public void TryParse_EthernetPaddingAfterPayload_Ignored()
    {
        var padded = WireVectors.NeighborSolicitation.Concat(new byte[10]).ToArray();

        Assert.True(NdpMessage.TryParse(padded, out _, out _, out var error), error.ToString());
    }

    [Fact]
    public void TryParse_ArbitraryBytesAfterValidHeaders_NeverThrows()
    {
        var prefix = WireVectors.NeighborSolicitation[..54];
        Gen.Byte.Array[0, 64].Sample(tail =>
        {
            var frame = prefix.Concat(tail).ToArray();
            frame[18] = (byte)(tail.Length >> 8);
            frame[19] = (byte)tail.Length;
            _ = NdpMessage.TryParse(frame, out _, out _, out _);
        });
    }

    [Fact]
    public void TryParse_ArbitraryBytes_NeverThrows()
    {
        Gen.Byte.Array[0, 100].Sample(bytes =>
        {
            _ = NdpMessage.TryParse(bytes, out _, out _, out _);
        });
    }

    /// <summary>Applies a change and recomputes the ICMPv6 checksum, so the test reaches the rule after it.</summary>
    private static byte[] Resign(byte[] original, Action<byte[]> change)
    {
        var frame = (byte[])original.Clone();
        change(frame);
        var icmp = frame.AsSpan(54);
        icmp[2] = 0;
        icmp[3] = 0;
        var sum = Icmpv6Checksum.Compute(frame.AsSpan(22, 16), frame.AsSpan(38, 16), icmp);
        icmp[2] = (byte)(sum >> 8);
        icmp[3] = (byte)sum;
        return frame;
    }
}
