using System.Net;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Session;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronLb.Bgp.Tests.Transport;

/// <summary>RFC 4271 §6.8 over real loopback TCP: both sides open a connection; the higher BGP Identifier's connection stays.</summary>
public sealed class CollisionLoopbackTests
{
    private const uint OurId = 0xC000020B;

    private static OpenMessage PeerOpen(uint id) => new(4, 64500, 9, id, [new MultiprotocolCapability(BgpFamily.Ipv4Unicast), new FourOctetAsCapability(64500)]);

    private static async Task<BgpMessage?> NextNonKeepaliveAsync(WirePeer peer, CancellationToken ct)
    {
        BgpMessage? message;
        do
        {
            message = await peer.ReceiveAsync(ct);
        }
        while (message is KeepaliveMessage);

        return message;
    }

    [Theory]
    [InlineData(0xC0000264u, true)]
    [InlineData(0xC0000201u, false)]
    public async Task InboundDuringOpenSent_HigherIdentifierWins(uint peerId, bool peerConnectionWins)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var ourSide = new WirePeer();    // accepts our speaker's outbound connection
        await using var theirSide = new WirePeer();  // opens a connection to our speaker's listener
        await using var speaker = new BgpSpeaker(new BgpSpeakerSettings { ListenEndpoint = new IPEndPoint(IPAddress.Loopback, 0) }, null, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.Start();
        await speaker.SetPeersAsync([new BgpPeerSettings
        {
            LocalAsn = 64501,
            PeerAsn = 64500,
            PeerAddress = IPAddress.Loopback,
            PeerPort = ourSide.Port,
            RouterId = OurId,
            HoldTime = TimeSpan.FromSeconds(9),
            Families = [BgpFamily.Ipv4Unicast],
        }], cts.Token);
        await ourSide.AcceptAsync(cts.Token);
        Assert.IsType<OpenMessage>(await ourSide.ReceiveAsync(cts.Token));

        // The peer's own connection arrives while ours waits in OpenSent, and carries its OPEN.
        await theirSide.ConnectAsync(speaker.ListenEndpoint!, cts.Token);
        await theirSide.SendAsync(PeerOpen(peerId), cts.Token);
        await ourSide.SendAsync(PeerOpen(peerId), cts.Token);

        var (loser, winner) = peerConnectionWins ? (ourSide, theirSide) : (theirSide, ourSide);
        var dumped = Assert.IsType<NotificationMessage>(await NextNonKeepaliveAsync(loser, cts.Token));
        Assert.Equal((BgpErrorCode.Cease, BgpErrorSubcode.ConnectionCollisionResolution), (dumped.Code, dumped.Subcode));
        if (peerConnectionWins)
        {
            Assert.IsType<OpenMessage>(await winner.ReceiveAsync(cts.Token));
        }

        await winner.SendAsync(KeepaliveMessage.Instance, cts.Token);
        await speaker.Peer(IPAddress.Loopback)!.WaitForAsync(s => s.State == BgpState.Established, cts.Token);
    }
}
