using System.Net;
using IronLb.Bgp.Bfd;

namespace IronLb.Bgp.Tests.Bfd;

public sealed class BfdEchoPacketTests
{
    private static readonly IPAddress Local = IPAddress.Parse("192.0.2.11");

    private static byte[] Returned(byte ttl = 254)
    {
        var packet = new byte[BfdEchoPacket.Length];
        BfdEchoPacket.Write(packet, Local, 0xA1B2C3D4, 7);
        packet[8] = ttl; // the peer's forwarding decrements it on the way back
        return packet;
    }

    [Fact]
    public void Write_Header_FromAndToOurselvesWithTtl255AndAValidChecksum()
    {
        var packet = new byte[BfdEchoPacket.Length];

        BfdEchoPacket.Write(packet, Local, 1, 2);

        Assert.Equal((0x45, 255, 17), (packet[0], packet[8], packet[9]));
        Assert.Equal(Local.GetAddressBytes(), packet[12..16]);
        Assert.Equal(Local.GetAddressBytes(), packet[16..20]);
        Assert.Equal((0x0E, 0xC9), (packet[22], packet[23])); // UDP destination port 3785
        Assert.Equal(0, BfdEchoPacket.Checksum(packet.AsSpan(0, 20))); // a correct header sums to zero
    }

    [Fact]
    public void TryReadReturned_LoopedBackOnce_OurDiscriminator() =>
        Assert.Equal(0xA1B2C3D4u, BfdEchoPacket.TryReadReturned(Returned(), Local));

    [Theory]
    [InlineData(255)] // our own outgoing copy
    [InlineData(253)] // came back through more than one hop
    public void TryReadReturned_OtherTtl_Ignored(byte ttl) =>
        Assert.Null(BfdEchoPacket.TryReadReturned(Returned(ttl), Local));

    [Fact]
    public void TryReadReturned_AnotherHostsEcho_Ignored() =>
        Assert.Null(BfdEchoPacket.TryReadReturned(Returned(), IPAddress.Parse("192.0.2.12")));

    [Fact]
    public void TryReadReturned_Truncated_Ignored() =>
        Assert.Null(BfdEchoPacket.TryReadReturned(Returned().AsSpan(0, 40), Local));
}
