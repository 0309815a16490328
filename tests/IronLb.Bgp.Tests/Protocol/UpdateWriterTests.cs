using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Tests.Protocol;

public sealed class UpdateWriterTests
{
    [Fact]
    public void Write_AsPathLongerThan255_SplitsIntoConsecutiveSequences()
    {
        var asns = Enumerable.Range(1, 300).Select(i => (uint)i).ToArray();
        var update = MessageSamples.Ipv4Update() with { Attributes = MessageSamples.Attributes() with { AsPath = [new AsPathSegment(AsPathSegmentType.AsSequence, asns)] } };

        var decoded = Assert.IsType<UpdateMessage>(MessageSamples.Decode(MessageSamples.Encode(update)).Message);

        Assert.Equal([255, 45], decoded.Attributes!.AsPath!.Select(s => s.Asns.Count));
        Assert.Equal(asns, decoded.Attributes.AsPath!.SelectMany(s => s.Asns));
    }

    [Fact]
    public void Write_NotificationWithHugeData_TruncatesToMaximumLength()
    {
        var bytes = MessageSamples.Encode(new NotificationMessage(BgpErrorCode.Cease, 2, new byte[10_000]));

        Assert.Equal(BgpWire.MaxMessageLength, bytes.Length);
        Assert.IsType<NotificationMessage>(MessageSamples.Decode(bytes).Message);
    }

    [Fact]
    public void Write_UpdateOverMaximum_Throws()
    {
        var prefixes = Enumerable.Range(0, 1000).Select(i => new System.Net.IPNetwork(new System.Net.IPAddress(i), 32)).ToArray();

        Assert.Throws<ArgumentException>(() => MessageSamples.Encode(new UpdateMessage([], MessageSamples.Attributes(), prefixes)));
    }
}
