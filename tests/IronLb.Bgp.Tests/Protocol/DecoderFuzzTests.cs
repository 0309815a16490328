using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Tests.Protocol;

/// <summary>A bounded fuzz target: mutated and random messages must decode or fail cleanly, never throw.</summary>
public sealed class DecoderFuzzTests
{
    private const int Iterations = 60_000;

    [Fact]
    public void Read_MutatedAndRandomInputs_NeverThrows()
    {
        var random = new Random(20261125);
        byte[][] seeds =
        [
            MessageSamples.Encode(MessageSamples.Open()),
            MessageSamples.Encode(MessageSamples.Ipv4Update()),
            MessageSamples.Encode(MessageSamples.Ipv6Update()),
            MessageSamples.Encode(MessageSamples.Ipv4Update(), fourOctetAs: false),
            MessageSamples.Encode(new RouteRefreshMessage(BgpFamily.Ipv4Unicast)),
            MessageSamples.Encode(new NotificationMessage(BgpErrorCode.Cease, 2, new byte[] { 1 })),
        ];
        var outcomes = new int[4];

        for (var i = 0; i < Iterations; i++)
        {
            var input = Mutate(random, seeds[random.Next(seeds.Length)]);
            var options = new BgpCodecOptions(random.Next(2) == 0);

            var result = BgpMessageReader.Read(input, options);

            Assert.True(result.Message is not null || result.Error is not null);
            outcomes[(int)result.Action]++;
        }

        // The mutations must reach both the success paths and every kind of error handling.
        Assert.All(outcomes, count => Assert.True(count > 0, string.Join(",", outcomes)));
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = (byte[])seed.Clone();
        switch (random.Next(5))
        {
            case 0:
                // Flip a few bytes after the marker, keeping the length honest so the body parsers are reached.
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    bytes[19 + random.Next(bytes.Length - 19)] = (byte)random.Next(256);
                }

                break;
            case 1:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                break;
            case 2:
                var cut = random.Next(19, bytes.Length + 1);
                bytes = bytes[..cut];
                bytes[16] = (byte)(cut >> 8);
                bytes[17] = (byte)cut;
                break;
            case 3:
                var body = new byte[random.Next(0, 200)];
                random.NextBytes(body);
                bytes = [.. bytes[..19], .. body];
                bytes[16] = (byte)(bytes.Length >> 8);
                bytes[17] = (byte)bytes.Length;
                bytes[18] = (byte)random.Next(1, 6);
                break;
            default:
                bytes = new byte[random.Next(0, 64)];
                random.NextBytes(bytes);
                break;
        }

        return bytes;
    }
}
