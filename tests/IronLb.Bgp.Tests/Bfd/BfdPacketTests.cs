using IronLb.Bgp.Bfd;

namespace IronLb.Bgp.Tests.Bfd;

public sealed class BfdPacketTests
{
    private static readonly BfdPacket Sample = new(BfdDiagnostic.None, BfdState.Up, true, false, 3, 0x11223344, 0x55667788, 300_000, 250_000, 50_000);

    private static byte[] Bytes(BfdPacket packet)
    {
        var bytes = new byte[BfdPacket.Length];
        packet.Write(bytes);
        return bytes;
    }

    [Fact]
    public void TryRead_WrittenPacket_RoundTrips()
    {
        Assert.True(BfdPacket.TryRead(Bytes(Sample), out var read));

        Assert.Equal(Sample, read);
        Assert.Equal(0x20, Bytes(Sample)[0]); // version 1, no diagnostic
    }

    [Theory]
    [InlineData(0, 0x40)]   // version 2
    [InlineData(3, 20)]     // length below the minimum
    [InlineData(3, 40)]     // length beyond the datagram
    [InlineData(2, 0)]      // detect multiplier zero
    [InlineData(1, 0xC5)]   // authentication bit without configured authentication
    [InlineData(1, 0xC1)]   // multipoint bit
    public void TryRead_InvalidField_Discarded(int offset, byte value)
    {
        var bytes = Bytes(Sample);
        bytes[offset] = value;

        Assert.False(BfdPacket.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_ZeroYourDiscriminatorWhileUp_Discarded()
    {
        Assert.False(BfdPacket.TryRead(Bytes(Sample with { YourDiscriminator = 0 }), out _));
        Assert.True(BfdPacket.TryRead(Bytes(Sample with { YourDiscriminator = 0, State = BfdState.Down }), out _));
    }

    [Fact]
    public void TryRead_ShortDatagram_Discarded()
    {
        Assert.False(BfdPacket.TryRead(Bytes(Sample).AsSpan(0, 23), out _));
    }
}
