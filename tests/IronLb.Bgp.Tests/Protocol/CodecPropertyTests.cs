using System.Net;
using CsCheck;
using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Tests.Protocol;

public sealed class CodecPropertyTests
{
    private static readonly Gen<IPNetwork> Ipv4Prefix =
        Gen.Select(Gen.UInt, Gen.Int[0, 32], (address, length) => new IPNetwork(Mask(BitConverter.GetBytes(address), length), length));

    private static readonly Gen<IPNetwork> Ipv6Prefix =
        Gen.Select(Gen.Byte.Array[16], Gen.Int[0, 128], (address, length) => new IPNetwork(Mask(address, length), length));

    private static readonly Gen<PathAttributes> Attributes =
        Gen.Select(
            Gen.Enum<BgpOrigin>(),
            Gen.UInt.Array[0, 255],
            Gen.UInt.Nullable(),
            Gen.UInt.Nullable(),
            Gen.UInt.Array[0, 80],
            Gen.Select(Gen.UInt, Gen.UInt, Gen.UInt, (a, b, c) => new LargeCommunity(a, b, c)).Array[0, 20],
            Gen.Bool,
            (origin, path, med, localPref, communities, large, atomic) => new PathAttributes
            {
                Origin = origin,
                AsPath = path.Length == 0 ? [] : [new AsPathSegment(AsPathSegmentType.AsSequence, path)],
                NextHop = IPAddress.Parse("198.51.100.7"),
                MultiExitDisc = med,
                LocalPref = localPref,
                Communities = communities,
                LargeCommunities = large,
                AtomicAggregate = atomic,
            });

    private static IPAddress Mask(byte[] address, int length)
    {
        for (var bit = length; bit < address.Length * 8; bit++)
        {
            address[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(address);
    }

    [Fact]
    public void Write_AnyIpv4Update_ReadsBackIdentically()
    {
        Gen.Select(Ipv4Prefix.Array[0, 50], Attributes, Ipv4Prefix.Array[1, 50], Gen.Bool).Sample((withdrawn, attributes, nlri, fourOctet) =>
        {
            var update = new UpdateMessage(withdrawn, attributes, nlri);
            var bytes = MessageSamples.Encode(update, fourOctet);

            var result = MessageSamples.Decode(bytes, fourOctet);

            var decoded = Assert.IsType<UpdateMessage>(result.Message);
            Assert.Equal(UpdateErrorAction.None, result.Action);
            Assert.Equal(withdrawn, decoded.Withdrawn);
            Assert.Equal(nlri, decoded.Nlri);
            Assert.Equal(attributes.AsPath, decoded.Attributes!.AsPath);
            Assert.Equal(attributes.Communities, decoded.Attributes.Communities);
            Assert.Equal(attributes.LargeCommunities, decoded.Attributes.LargeCommunities);
            Assert.Equal((attributes.MultiExitDisc, attributes.LocalPref, attributes.AtomicAggregate), (decoded.Attributes.MultiExitDisc, decoded.Attributes.LocalPref, decoded.Attributes.AtomicAggregate));
            Assert.Equal(bytes, MessageSamples.Encode(decoded, fourOctet));
        }, seed: "0N0XIzNsQ0O2", iter: 300);
    }

    [Fact]
    public void Write_AnyIpv6Update_ReadsBackIdentically()
    {
        Gen.Select(Ipv6Prefix.Array[0, 60], Ipv6Prefix.Array[0, 60], Gen.Bool).Sample((reach, unreach, linkLocal) =>
        {
            var update = new UpdateMessage([], new PathAttributes
            {
                Origin = BgpOrigin.Igp,
                AsPath = [],
                MpReach = reach.Length == 0 ? null : new MpReachNlri(BgpFamily.Ipv6Unicast, IPAddress.Parse("2001:db8::1"), linkLocal ? IPAddress.Parse("fe80::2") : null, reach),
                MpUnreach = unreach.Length == 0 ? null : new MpUnreachNlri(BgpFamily.Ipv6Unicast, unreach),
            }, []);
            var bytes = MessageSamples.Encode(update);

            var decoded = Assert.IsType<UpdateMessage>(MessageSamples.Decode(bytes).Message);

            Assert.Equal(reach, decoded.Attributes!.MpReach?.Prefixes ?? []);
            Assert.Equal(unreach, decoded.Attributes.MpUnreach?.Prefixes ?? []);
            Assert.Equal(bytes, MessageSamples.Encode(decoded));
        }, seed: "0N0XIzNsQ0O2", iter: 300);
    }

    [Fact]
    public void Write_AnyOpen_ReadsBackIdentically()
    {
        Gen.Select(Gen.UShort, Gen.UShort, Gen.UInt, Gen.UInt, Gen.Bool, Gen.UShort[0, 4095]).Sample((myAs, hold, id, asn, restarting, restartTime) =>
        {
            var open = new OpenMessage(4, myAs, hold, id,
            [
                new FourOctetAsCapability(asn),
                new MultiprotocolCapability(BgpFamily.Ipv6Unicast),
                new GracefulRestartCapability(restarting, restartTime, [new(BgpFamily.Ipv6Unicast, restarting)]),
            ]);

            var decoded = Assert.IsType<OpenMessage>(MessageSamples.Decode(MessageSamples.Encode(open)).Message);

            Assert.Equal((open.MyAutonomousSystem, open.HoldTime, open.BgpIdentifier), (decoded.MyAutonomousSystem, decoded.HoldTime, decoded.BgpIdentifier));
            Assert.Equal(open.Capabilities, decoded.Capabilities);
        }, seed: "0N0XIzNsQ0O2", iter: 300);
    }
}
