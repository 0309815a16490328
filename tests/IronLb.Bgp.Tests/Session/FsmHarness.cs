using System.Net;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Session;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Bgp.Tests.Session;

/// <summary>Drives a <see cref="BgpFsm"/> on a fake clock and records everything it asks of its connection.</summary>
internal sealed class FsmHarness : IBgpFsmHost, IDisposable
{
    public FsmHarness(BgpPeerSettings? settings = null, int seed = 1)
    {
        Settings = settings ?? DefaultSettings();
        Fsm = new BgpFsm(Settings, Time, this, NullLogger.Instance, new Random(seed));
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public BgpPeerSettings Settings { get; }

    public BgpFsm Fsm { get; }

    public List<BgpMessage> Sent { get; } = [];

    public int Connects { get; private set; }

    public int Disconnects { get; private set; }

    public NegotiatedSession? Established { get; private set; }

    public int SessionDowns { get; private set; }

    public List<BgpMessage> Delivered { get; } = [];

    public static BgpPeerSettings DefaultSettings() => new()
    {
        LocalAsn = 64501,
        PeerAsn = 64500,
        PeerAddress = IPAddress.Parse("192.0.2.1"),
        RouterId = 0xC000020B,
        HoldTime = TimeSpan.FromSeconds(90),
        KeepaliveTime = TimeSpan.FromSeconds(30),
    };

    public static OpenMessage PeerOpen(ushort holdTime = 9, uint asn = 64500, uint id = 0xC0000201) =>
        new(4, (ushort)asn, holdTime, id, [new MultiprotocolCapability(BgpFamily.Ipv4Unicast), new FourOctetAsCapability(asn), new RouteRefreshCapability()]);

    public void Post(BgpEventKind kind, BgpMessage? message = null) => Fsm.Handle(new BgpEvent(kind, message));

    /// <summary>Runs the handshake to Established with a peer offering <paramref name="peerHold"/> seconds.</summary>
    public void Establish(ushort peerHold = 9)
    {
        Post(BgpEventKind.ManualStart);
        Post(BgpEventKind.TcpCrAcked);
        Post(BgpEventKind.BgpOpen, PeerOpen(peerHold));
        Post(BgpEventKind.KeepAliveMsg);
        Assert.Equal(BgpState.Established, Fsm.State);
    }

    public int SentCount<T>() => Sent.OfType<T>().Count();

    public NotificationMessage LastNotification() => Sent.OfType<NotificationMessage>().Last();

    void IBgpFsmHost.PostTimerEvent(BgpEvent timerEvent) => Fsm.Handle(timerEvent);

    void IBgpFsmHost.Connect() => Connects++;

    void IBgpFsmHost.Disconnect() => Disconnects++;

    void IBgpFsmHost.Send(BgpMessage message) => Sent.Add(message);

    void IBgpFsmHost.OnEstablished(NegotiatedSession session) => Established = session;

    void IBgpFsmHost.OnMessage(BgpMessage message) => Delivered.Add(message);

    void IBgpFsmHost.OnSessionDown() => SessionDowns++;

    public void Dispose() => Fsm.Dispose();
}
