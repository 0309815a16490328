using System.Net;
using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Tests.Protocol;

/// <summary>Valid messages the codec tests start from.</summary>
internal static class MessageSamples
{
    public static OpenMessage Open() => new(4, 64501, 90, 0xC000020B,
    [
        new MultiprotocolCapability(BgpFamily.Ipv4Unicast),
        new MultiprotocolCapability(BgpFamily.Ipv6Unicast),
        new RouteRefreshCapability(),
        new FourOctetAsCapability(4200000001),
        new GracefulRestartCapability(true, 120, [new(BgpFamily.Ipv4Unicast, true), new(BgpFamily.Ipv6Unicast, false)]),
    ]);

    public static PathAttributes Attributes() => new()
    {
        Origin = BgpOrigin.Incomplete,
        AsPath = [new AsPathSegment(AsPathSegmentType.AsSequence, [64501, 4200000001])],
        NextHop = IPAddress.Parse("192.0.2.11"),
        MultiExitDisc = 10,
        LocalPref = 200,
        Communities = [(64500u << 16) | 100, 0xFFFFFF01],
        LargeCommunities = [new LargeCommunity(64500, 1, 2)],
    };

    public static UpdateMessage Ipv4Update() => new(
        [IPNetwork.Parse("203.0.113.0/25")],
        Attributes(),
        [IPNetwork.Parse("203.0.113.10/32"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("0.0.0.0/0")]);

    public static UpdateMessage Ipv6Update() => new([], new PathAttributes
    {
        Origin = BgpOrigin.Igp,
        AsPath = [],
        MpReach = new MpReachNlri(BgpFamily.Ipv6Unicast, IPAddress.Parse("2001:db8:1::11"), IPAddress.Parse("fe80::1"),
            [IPNetwork.Parse("2001:db8:100::1/128"), IPNetwork.Parse("2001:db8:200::/48")]),
        MpUnreach = new MpUnreachNlri(BgpFamily.Ipv6Unicast, [IPNetwork.Parse("2001:db8:300::/64")]),
    }, []);

    public static byte[] Encode(BgpMessage message, bool fourOctetAs = true) => BgpMessageWriter.ToArray(message, new BgpCodecOptions(fourOctetAs));

    public static BgpDecodeResult Decode(byte[] bytes, bool fourOctetAs = true) => BgpMessageReader.Read(bytes, new BgpCodecOptions(fourOctetAs));
}
