using IronLb.Layer2.Ndp;

namespace IronLb.Layer2.Tests.Ndp;

public class Icmpv6ChecksumTests
{
    [Theory]
    [InlineData(nameof(WireVectors.NeighborSolicitation))]
    [InlineData(nameof(WireVectors.KernelNeighborAdvertisement))]
    [InlineData(nameof(WireVectors.DadSolicitation))]
    public void IsValid_FramesFromLinux_AcceptsTheirChecksum(string vector)
    {
        var frame = (byte[])typeof(WireVectors).GetField(vector)!.GetValue(null)!;

        Assert.True(Icmpv6Checksum.IsValid(frame.AsSpan(22, 16), frame.AsSpan(38, 16), frame.AsSpan(54)));
    }

    [Fact]
    public void Compute_OddLength_PadsLastByteOnTheRight()
    {
        // RFC 1071 §4.1: the odd byte is the high half of a final word, so 0x01 counts as 0x0100.
        Span<byte> zeros = stackalloc byte[16];
        var even = Icmpv6Checksum.Compute(zeros, zeros, [0, 0, 0, 0, 0x01, 0x00]);
        var odd = Icmpv6Checksum.Compute(zeros, zeros, [0, 0, 0, 0, 0x01]);

        // The two differ only in the pseudo-header length (6 vs 5), i.e. by exactly one in one's complement.
        Assert.Equal((ushort)(odd - 1), even);
    }
}
