using System.Net;
using System.Text.Json;
using IronLb.Bgp.Announcements;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Rib;
using IronLb.Bgp.Session;
using IronLb.Bgp.Transport;
using IronLb.Core.Events;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IronLb.Bgp.Tests.Transport;

/// <summary>The public events of a real session over loopback TCP: up, a prefix announced then withdrawn, down with what the peer held.</summary>
public sealed class SessionEventsLoopbackTests
{
    private static OpenMessage PeerOpen() => new(4, 64500, 30, 0xC0000201, [new MultiprotocolCapability(BgpFamily.Ipv4Unicast), new FourOctetAsCapability(64500)]);

    private static async Task<UpdateMessage> NextUpdateAsync(WirePeer peer, CancellationToken ct)
    {
        while (true)
        {
            // Past keepalives and End-of-RIB (an empty UPDATE).
            if (await peer.ReceiveAsync(ct) is UpdateMessage update && (update.Nlri.Count > 0 || update.Withdrawn.Count > 0))
            {
                return update;
            }
        }
    }

    private static List<(string Type, string Subject, string Reason)> Drain(EventFeed.Subscription subscription)
    {
        var seen = new List<(string, string, string)>();
        while (subscription.Reader.TryRead(out var streamed))
        {
            using var document = JsonDocument.Parse(streamed.CloudEvent);
            var root = document.RootElement;
            var data = root.GetProperty("data");
            seen.Add((root.GetProperty("type").GetString()!, root.GetProperty("subject").GetString()!, data.TryGetProperty("reason", out var r) ? r.GetString()! : ""));
        }

        return seen;
    }

    [Fact]
    public async Task Session_UpAnnounceWithdrawAnnounceThenPeerCloses_EventsInTheOrderTheyHappenedOnTheWire()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var feed = new EventFeed(1024);
        using var events = feed.Subscribe(replay: true);
        var emitter = new BgpEventEmitter(
            new IntegrationEvents(feed, Options.Create(new EventsOptions { Instance = "node-a" }), TimeProvider.System),
            Options.Create(new NodeOptions { Name = "node-a" }),
            TimeProvider.System);
        await using var peer = new WirePeer();
        var settings = new BgpPeerSettings
        {
            Name = "rtr",
            LocalAsn = 64501,
            PeerAsn = 64500,
            PeerAddress = IPAddress.Loopback,
            PeerPort = peer.Port,
            RouterId = 0xC000020B,
            HoldTime = TimeSpan.FromSeconds(30),
            Families = [BgpFamily.Ipv4Unicast],
            Ipv4NextHop = IPAddress.Parse("192.0.2.11"),
        };
        await using var session = new BgpPeerSession(settings, DefaultSocketFactory.Instance, TimeProvider.System, NullLogger.Instance) { Observer = emitter };
        session.Start();
        await peer.AcceptAsync(cts.Token);
        Assert.IsType<OpenMessage>(await peer.ReceiveAsync(cts.Token));
        await peer.SendAsync(PeerOpen(), cts.Token);
        await peer.SendAsync(KeepaliveMessage.Instance, cts.Token);
        await session.WaitForAsync(s => s.State == BgpState.Established, cts.Token);

        var route = new Announcement(IPNetwork.Parse("203.0.113.10/32"), new RouteAttributes());
        session.SetAnnouncements([route]);
        await NextUpdateAsync(peer, cts.Token);
        session.SetAnnouncements([route with { Attributes = new RouteAttributes(localPref: 200) }]);
        await NextUpdateAsync(peer, cts.Token);
        session.SetAnnouncements([]);
        await NextUpdateAsync(peer, cts.Token);
        session.SetAnnouncements([new Announcement(IPNetwork.Parse("203.0.113.11/32"), new RouteAttributes())]);
        await NextUpdateAsync(peer, cts.Token);
        await peer.SendAsync(new NotificationMessage(BgpErrorCode.Cease, 2), cts.Token);
        await session.WaitForAsync(s => s.State != BgpState.Established, cts.Token);

        var seen = Drain(events);
        Assert.Equal(
            [
                (EventTypes.BgpSessionUp, "nodes/node-a/peers/rtr", "established"),
                (EventTypes.BgpAnnouncementStarted, "nodes/node-a/peers/rtr/prefixes/203.0.113.10/32", ""),
                (EventTypes.BgpAnnouncementStopped, "nodes/node-a/peers/rtr/prefixes/203.0.113.10/32", ""),
                (EventTypes.BgpAnnouncementStarted, "nodes/node-a/peers/rtr/prefixes/203.0.113.11/32", ""),
                (EventTypes.BgpSessionDown, "nodes/node-a/peers/rtr", seen[^2].Reason),
                (EventTypes.BgpAnnouncementStopped, "nodes/node-a/peers/rtr/prefixes/203.0.113.11/32", ""),
            ],
            seen);
        Assert.Contains("NOTIFICATION", seen[^2].Reason, StringComparison.OrdinalIgnoreCase);
    }
}
