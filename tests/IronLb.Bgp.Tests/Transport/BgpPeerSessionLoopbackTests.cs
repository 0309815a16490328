using System.Net;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;
using IronLb.Bgp.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronLb.Bgp.Tests.Transport;

/// <summary>A real <see cref="BgpPeerSession"/> over real loopback TCP against a scripted peer.</summary>
public sealed class BgpPeerSessionLoopbackTests
{
    private static BgpPeerSettings Settings(int port) => new()
    {
        LocalAsn = 64501,
        PeerAsn = 64500,
        PeerAddress = IPAddress.Loopback,
        PeerPort = port,
        RouterId = 0xC000020B,
        HoldTime = TimeSpan.FromSeconds(9),
        Ipv6NextHop = IPAddress.Parse("2001:db8:1::11"),

        // Loopback is no valid NEXT_HOP (RFC 4271 §6.3), so the session names a documentation address.
        Ipv4NextHop = IPAddress.Parse("192.0.2.11"),
    };

    /// <summary>Runs the OPEN exchange; <paramref name="routes"/> null leaves the session without announcements for now.</summary>
    private static async Task<BgpPeerSession> EstablishAsync(WirePeer peer, IReadOnlyCollection<Announcement>? routes, CancellationToken ct, bool restarting = false)
    {
        var session = new BgpPeerSession(Settings(peer.Port) with { GracefulRestart = restarting }, DefaultSocketFactory.Instance, TimeProvider.System, NullLogger.Instance, restarting);
        if (routes is not null)
        {
            session.SetAnnouncements(routes);
        }

        session.Start();
        await peer.AcceptAsync(ct);
        var open = Assert.IsType<OpenMessage>(await peer.ReceiveAsync(ct));
        Assert.True(open.Supports(BgpFamily.Ipv6Unicast));
        Assert.Equal(restarting, open.Find<GracefulRestartCapability>()?.Restarting ?? false);
        await peer.SendAsync(new OpenMessage(4, 64500, 9, 0xC0000201, [new MultiprotocolCapability(BgpFamily.Ipv4Unicast), new MultiprotocolCapability(BgpFamily.Ipv6Unicast), new FourOctetAsCapability(64500)]), ct);
        await peer.SendAsync(KeepaliveMessage.Instance, ct);
        Assert.IsType<KeepaliveMessage>(await peer.ReceiveAsync(ct));
        await session.WaitForAsync(s => s.State == BgpState.Established, ct);
        return session;
    }

    private static Announcement[] Routes(int v6Count) =>
    [
        new(IPNetwork.Parse("203.0.113.10/32"), new RouteAttributes(communities: [RouteAttributes.ParseCommunity("64500:7")])),
        .. Enumerable.Range(1, v6Count).Select(i => new Announcement(new IPNetwork(IPAddress.Parse($"2001:db8:100::{i:x}"), 128), RouteAttributes.Default)),
    ];

    [Fact]
    public async Task Established_TableTransfer_SendsEveryPrefixPackedThenEndOfRib()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var peer = new WirePeer();
        var routes = Routes(2000);
        await using var session = await EstablishAsync(peer, routes, cts.Token);

        var received = new HashSet<IPNetwork>();
        var endOfRib = new HashSet<BgpFamily>();
        var updates = 0;
        while (endOfRib.Count < 2)
        {
            var update = Assert.IsType<UpdateMessage>(await peer.ReceiveAsync(cts.Token));
            if (update.EndOfRibFamily is { } family)
            {
                endOfRib.Add(family);
                continue;
            }

            updates++;
            received.UnionWith(update.Nlri);
            received.UnionWith(update.Attributes?.MpReach?.Prefixes ?? []);
        }

        Assert.Equal(routes.Select(r => r.Prefix).ToHashSet(), received);
        Assert.InRange(updates, 2, 11);
    }

    [Fact]
    public async Task Established_RestartingBeforeRoutesAreKnown_NoEndOfRibUntilTheRoutesGoOut()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var peer = new WirePeer();
        await using var session = await EstablishAsync(peer, routes: null, cts.Token, restarting: true);

        // An End-of-RIB now, before the routes, would make the peer drop the stale routes it kept for us.
        session.SetAnnouncements(Routes(0));

        var first = await NextUpdateAsync(peer, cts.Token);
        Assert.Null(first.EndOfRibFamily);
        Assert.Equal([IPNetwork.Parse("203.0.113.10/32")], first.Nlri);
        Assert.NotNull((await NextUpdateAsync(peer, cts.Token)).EndOfRibFamily);
    }

    private static async Task<UpdateMessage> NextUpdateAsync(WirePeer peer, CancellationToken ct)
    {
        for (var message = await peer.ReceiveAsync(ct); ; message = await peer.ReceiveAsync(ct))
        {
            if (message is not KeepaliveMessage)
            {
                return Assert.IsType<UpdateMessage>(message);
            }
        }
    }

    [Fact]
    public async Task StopAsync_Established_WithdrawsEverythingThenSendsCease()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var peer = new WirePeer();
        var routes = Routes(300);
        var session = await EstablishAsync(peer, routes, cts.Token);
        await session.WaitForAsync(s => s.AdvertisedPrefixes == routes.Length, cts.Token);

        var stopping = session.StopAsync(cts.Token);
        var withdrawn = new HashSet<IPNetwork>();
        NotificationMessage? cease = null;
        for (var message = await peer.ReceiveAsync(cts.Token); message is not null; message = await peer.ReceiveAsync(cts.Token))
        {
            if (message is UpdateMessage { EndOfRibFamily: null } update)
            {
                withdrawn.UnionWith(update.Withdrawn);
                withdrawn.UnionWith(update.Attributes?.MpUnreach?.Prefixes ?? []);
            }
            else if (message is NotificationMessage notification)
            {
                cease = notification;
            }
        }

        await stopping;
        Assert.Equal(routes.Select(r => r.Prefix).ToHashSet(), withdrawn);
        Assert.Equal((BgpErrorCode.Cease, BgpErrorSubcode.AdministrativeShutdown), (cease!.Code, cease.Subcode));
        await session.DisposeAsync();
    }

    [Fact]
    public async Task ReceivedBrokenMarker_Established_AnswersConnectionNotSynchronizedAndResets()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var peer = new WirePeer();
        await using var session = await EstablishAsync(peer, [], cts.Token);
        var garbage = BgpMessageWriter.ToArray(KeepaliveMessage.Instance, BgpCodecOptions.Default);
        garbage[0] = 0;

        await peer.SendAsync(garbage, cts.Token);

        BgpMessage? message;
        do
        {
            message = await peer.ReceiveAsync(cts.Token);
        }
        while (message is not null and not NotificationMessage);

        var notification = Assert.IsType<NotificationMessage>(message);
        Assert.Equal((BgpErrorCode.MessageHeader, BgpErrorSubcode.ConnectionNotSynchronized), (notification.Code, notification.Subcode));
        await session.WaitForAsync(s => s.State != BgpState.Established, cts.Token);
    }

    [Fact]
    public async Task DesiredChanges_Established_SendsOnlyTheDifference()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var peer = new WirePeer();
        var routes = Routes(3);
        await using var session = await EstablishAsync(peer, routes, cts.Token);
        for (var eor = 0; eor < 2;)
        {
            eor += (await peer.ReceiveAsync(cts.Token)) is UpdateMessage { EndOfRibFamily: not null } ? 1 : 0;
        }

        session.SetAnnouncements([.. routes.Skip(1), new Announcement(IPNetwork.Parse("198.51.100.0/24"), RouteAttributes.Default)]);

        var withdraw = Assert.IsType<UpdateMessage>(await peer.ReceiveAsync(cts.Token));
        var announce = Assert.IsType<UpdateMessage>(await peer.ReceiveAsync(cts.Token));
        Assert.Equal([IPNetwork.Parse("203.0.113.10/32")], withdraw.Withdrawn);
        Assert.Equal([IPNetwork.Parse("198.51.100.0/24")], announce.Nlri);
    }

    [Fact]
    public async Task RouteRefresh_Established_ResendsTheFamilysRoutes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var peer = new WirePeer();
        var routes = Routes(5);
        await using var session = await EstablishAsync(peer, routes, cts.Token);
        for (var eor = 0; eor < 2;)
        {
            eor += (await peer.ReceiveAsync(cts.Token)) is UpdateMessage { EndOfRibFamily: not null } ? 1 : 0;
        }

        await peer.SendAsync(new RouteRefreshMessage(BgpFamily.Ipv6Unicast), cts.Token);

        var resent = Assert.IsType<UpdateMessage>(await peer.ReceiveAsync(cts.Token));
        Assert.Equal(routes.Skip(1).Select(r => r.Prefix), resent.Attributes!.MpReach!.Prefixes.OrderBy(p => p.BaseAddress.ToString()));
    }

    [Fact]
    public async Task Ipv6OverIpv4SessionWithoutIpv6NextHop_Established_HoldsIpv6BackAndStaysUp()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var peer = new WirePeer();
        var session = new BgpPeerSession(Settings(peer.Port) with { Ipv6NextHop = null }, DefaultSocketFactory.Instance, TimeProvider.System, NullLogger.Instance);
        await using (session)
        {
            session.SetAnnouncements(Routes(3));
            session.Start();
            await peer.AcceptAsync(cts.Token);
            await peer.ReceiveAsync(cts.Token);
            await peer.SendAsync(new OpenMessage(4, 64500, 9, 0xC0000201, [new MultiprotocolCapability(BgpFamily.Ipv4Unicast), new MultiprotocolCapability(BgpFamily.Ipv6Unicast), new FourOctetAsCapability(64500)]), cts.Token);
            await peer.SendAsync(KeepaliveMessage.Instance, cts.Token);

            var updates = new List<UpdateMessage>();
            while (updates.Count(u => u.EndOfRibFamily is not null) < 2)
            {
                if (await peer.ReceiveAsync(cts.Token) is UpdateMessage update)
                {
                    updates.Add(update);
                }
            }

            Assert.Equal([IPNetwork.Parse("203.0.113.10/32")], updates.SelectMany(u => u.Nlri));
            Assert.DoesNotContain(updates, u => u.Attributes?.MpReach is not null);
            Assert.Equal(BgpState.Established, session.Status.State);
        }
    }
}
