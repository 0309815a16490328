using IronLb.Bgp.Protocol;
using IronLb.Bgp.Session;

namespace IronLb.Bgp.Tests.Session;

public sealed class BgpFsmTests
{
    [Fact]
    public void ManualStart_ActiveMode_ConnectsInConnectState()
    {
        using var h = new FsmHarness();

        h.Post(BgpEventKind.ManualStart);

        Assert.Equal(BgpState.Connect, h.Fsm.State);
        Assert.Equal(1, h.Connects);
    }

    [Fact]
    public void ManualStartPassive_WaitsInActiveWithoutConnecting()
    {
        using var h = new FsmHarness();

        h.Post(BgpEventKind.ManualStartPassive);
        h.Post(BgpEventKind.TcpConnectionConfirmed);

        Assert.Equal(0, h.Connects);
        Assert.Equal(BgpState.OpenSent, h.Fsm.State);
    }

    [Fact]
    public void TcpCrAcked_InConnect_SendsOpenAndUsesLargeHoldTimer()
    {
        using var h = new FsmHarness();
        h.Post(BgpEventKind.ManualStart);

        h.Post(BgpEventKind.TcpCrAcked);

        var open = Assert.IsType<OpenMessage>(Assert.Single(h.Sent));
        Assert.Equal(BgpState.OpenSent, h.Fsm.State);
        Assert.Equal(64501u, open.AutonomousSystem);
        h.Time.Advance(BgpFsm.OpenSentHoldTime - TimeSpan.FromSeconds(1));
        Assert.Equal(BgpState.OpenSent, h.Fsm.State);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((BgpErrorCode.HoldTimerExpired, BgpState.Idle), (h.LastNotification().Code, h.Fsm.State));
    }

    [Fact]
    public void BgpOpen_Acceptable_NegotiatesSmallerHoldTimeAndEstablishesOnKeepalive()
    {
        using var h = new FsmHarness();

        h.Establish(peerHold: 9);

        Assert.Equal(TimeSpan.FromSeconds(9), h.Established!.HoldTime);
        Assert.Equal(TimeSpan.FromSeconds(3), h.Established.KeepaliveInterval);
        Assert.True(h.Established.FourOctetAs);
        Assert.Equal(1, h.SentCount<KeepaliveMessage>());
        Assert.Equal(0, h.Fsm.ConnectRetryCounter);
    }

    [Fact]
    public void KeepaliveTimer_Established_SendsKeepalivesWithinJitteredInterval()
    {
        using var h = new FsmHarness();
        h.Establish(peerHold: 9);
        var before = h.SentCount<KeepaliveMessage>();

        // Keepalives are jittered to 0.75–1.0 of 3 s, and the peer's keepalives hold the session up.
        for (var i = 0; i < 10; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(3));
            h.Post(BgpEventKind.KeepAliveMsg);
        }

        Assert.InRange(h.SentCount<KeepaliveMessage>() - before, 10, 14);
        Assert.Equal(BgpState.Established, h.Fsm.State);
    }

    [Fact]
    public void HoldTimer_NothingReceived_SendsHoldTimerExpiredAndGoesDown()
    {
        using var h = new FsmHarness();
        h.Establish(peerHold: 9);

        h.Time.Advance(TimeSpan.FromSeconds(9));

        Assert.Equal(BgpErrorCode.HoldTimerExpired, h.LastNotification().Code);
        Assert.Equal(BgpState.Idle, h.Fsm.State);
        Assert.Equal(1, h.SessionDowns);
    }

    [Fact]
    public void HoldTimer_UpdatesKeepArriving_StaysEstablished()
    {
        using var h = new FsmHarness();
        h.Establish(peerHold: 9);

        for (var i = 0; i < 5; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(8));
            h.Post(BgpEventKind.UpdateMsg, new UpdateMessage([], null, []));
        }

        Assert.Equal(BgpState.Established, h.Fsm.State);
        Assert.Equal(5, h.Delivered.Count);
    }

    [Fact]
    public void HoldTimeZero_NoKeepalivesAndNoExpiry()
    {
        using var h = new FsmHarness();
        h.Establish(peerHold: 0);
        var sent = h.Sent.Count;

        h.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(BgpState.Established, h.Fsm.State);
        Assert.Equal(sent, h.Sent.Count);
        Assert.Equal(TimeSpan.Zero, h.Established!.KeepaliveInterval);
    }

    [Theory]
    [InlineData(9, 64999u, 0xC0000201u, BgpErrorSubcode.BadPeerAs)]
    [InlineData(1, 64500u, 0xC0000201u, BgpErrorSubcode.UnacceptableHoldTime)]
    [InlineData(2, 64500u, 0xC0000201u, BgpErrorSubcode.UnacceptableHoldTime)]
    [InlineData(9, 64500u, 0u, BgpErrorSubcode.BadBgpIdentifier)]
    public void BgpOpen_Unacceptable_SendsOpenErrorAndGoesIdle(ushort hold, uint asn, uint id, byte subcode)
    {
        using var h = new FsmHarness();
        h.Post(BgpEventKind.ManualStart);
        h.Post(BgpEventKind.TcpCrAcked);

        h.Post(BgpEventKind.BgpOpen, FsmHarness.PeerOpen(hold, asn, id));

        Assert.Equal((BgpErrorCode.OpenMessage, subcode), (h.LastNotification().Code, h.LastNotification().Subcode));
        Assert.Equal(BgpState.Idle, h.Fsm.State);
        Assert.Equal(1, h.Fsm.ConnectRetryCounter);
    }

    [Theory]
    [InlineData(64500u, true)]
    [InlineData(4_200_000_000u, true)]
    [InlineData(64501u, false)]
    public void BgpOpen_DynamicExternalPeer_AnyAsButOursEstablishes(uint peerAs, bool established)
    {
        using var h = new FsmHarness(FsmHarness.DefaultSettings() with { PeerAsn = 0, AnyExternalPeerAs = true });
        h.Post(BgpEventKind.ManualStart);
        h.Post(BgpEventKind.TcpCrAcked);

        h.Post(BgpEventKind.BgpOpen, FsmHarness.PeerOpen(9, peerAs));
        h.Post(BgpEventKind.KeepAliveMsg);

        Assert.Equal(established, h.Fsm.State == BgpState.Established);
        if (!established)
        {
            Assert.Equal(BgpErrorSubcode.BadPeerAs, h.LastNotification().Subcode);
        }
    }

    [Fact]
    public void BgpOpen_InternalPeerWithOurIdentifier_BadBgpIdentifier()
    {
        using var h = new FsmHarness(FsmHarness.DefaultSettings() with { PeerAsn = 64501 });
        h.Post(BgpEventKind.ManualStart);
        h.Post(BgpEventKind.TcpCrAcked);

        h.Post(BgpEventKind.BgpOpen, FsmHarness.PeerOpen(9, 64501, h.Settings.RouterId));

        Assert.Equal(BgpErrorSubcode.BadBgpIdentifier, h.LastNotification().Subcode);
    }

    [Theory]
    [InlineData(false, BgpErrorSubcode.UnexpectedMessageInOpenSent)]
    [InlineData(true, BgpErrorSubcode.UnexpectedMessageInOpenConfirm)]
    public void UpdateMsg_BeforeEstablished_FsmError(bool openConfirm, byte subcode)
    {
        using var h = new FsmHarness();
        h.Post(BgpEventKind.ManualStart);
        h.Post(BgpEventKind.TcpCrAcked);
        if (openConfirm)
        {
            h.Post(BgpEventKind.BgpOpen, FsmHarness.PeerOpen());
        }

        h.Post(BgpEventKind.UpdateMsg, new UpdateMessage([], null, []));

        Assert.Equal((BgpErrorCode.FiniteStateMachine, subcode), (h.LastNotification().Code, h.LastNotification().Subcode));
        Assert.Equal(BgpState.Idle, h.Fsm.State);
    }

    [Fact]
    public void BgpOpen_InEstablished_FsmErrorInEstablished()
    {
        using var h = new FsmHarness();
        h.Establish();

        h.Post(BgpEventKind.BgpOpen, FsmHarness.PeerOpen());

        Assert.Equal(BgpErrorSubcode.UnexpectedMessageInEstablished, h.LastNotification().Subcode);
    }

    [Fact]
    public void ConnectRetryTimer_InConnect_RetriesTheConnection()
    {
        using var h = new FsmHarness();
        h.Post(BgpEventKind.ManualStart);

        h.Time.Advance(h.Settings.ConnectRetryTime);

        Assert.Equal(2, h.Connects);
        Assert.Equal(BgpState.Connect, h.Fsm.State);
    }

    [Fact]
    public void TcpConnectionFails_InConnect_WaitsInActiveThenRetries()
    {
        using var h = new FsmHarness();
        h.Post(BgpEventKind.ManualStart);

        h.Post(BgpEventKind.TcpConnectionFails);
        Assert.Equal(BgpState.Active, h.Fsm.State);
        h.Time.Advance(h.Settings.ConnectRetryTime);

        Assert.Equal(BgpState.Connect, h.Fsm.State);
        Assert.Equal(2, h.Connects);
    }

    [Fact]
    public void Failures_Consecutive_BackOffExponentiallyWithJitterUpToCeiling()
    {
        using var h = new FsmHarness();
        h.Post(BgpEventKind.ManualStart);
        var delays = new List<TimeSpan>();

        for (var i = 0; i < 9; i++)
        {
            h.Post(BgpEventKind.TcpCrAcked);
            h.Post(BgpEventKind.NotifMsg, new NotificationMessage(BgpErrorCode.Cease, 5));
            delays.Add(h.Fsm.LastIdleHoldDelay);
            h.Time.Advance(h.Fsm.LastIdleHoldDelay);
            Assert.Equal(BgpState.Connect, h.Fsm.State);
        }

        for (var i = 0; i < delays.Count; i++)
        {
            var nominal = Math.Min(60, Math.Pow(2, i));
            Assert.InRange(delays[i].TotalSeconds, nominal * 0.75, nominal);
        }
    }

    [Fact]
    public void IdleHoldTimer_BeforeExpiry_StaysIdle()
    {
        using var h = new FsmHarness();
        h.Establish();
        h.Post(BgpEventKind.TcpConnectionFails);

        h.Time.Advance(h.Fsm.LastIdleHoldDelay - TimeSpan.FromMilliseconds(1));

        Assert.Equal(BgpState.Idle, h.Fsm.State);
        Assert.Equal(1, h.Connects);
    }

    [Fact]
    public void ManualStop_Established_SendsCeaseAndDoesNotRestart()
    {
        using var h = new FsmHarness();
        h.Establish();

        h.Post(BgpEventKind.ManualStop);
        h.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal((BgpErrorCode.Cease, BgpErrorSubcode.AdministrativeShutdown), (h.LastNotification().Code, h.LastNotification().Subcode));
        Assert.Equal(BgpState.Idle, h.Fsm.State);
        Assert.Equal(1, h.Connects);
        Assert.Equal(1, h.SessionDowns);
    }

    [Fact]
    public void NotifMsg_Established_ClosesWithoutAnsweringNotification()
    {
        using var h = new FsmHarness();
        h.Establish();

        h.Post(BgpEventKind.NotifMsg, new NotificationMessage(BgpErrorCode.Cease, 2));

        Assert.Empty(h.Sent.OfType<NotificationMessage>());
        Assert.Equal(BgpState.Idle, h.Fsm.State);
    }

    [Fact]
    public void OpenCollisionDump_OpenConfirm_SendsCeaseCollisionResolution()
    {
        using var h = new FsmHarness();
        h.Post(BgpEventKind.ManualStart);
        h.Post(BgpEventKind.TcpCrAcked);
        h.Post(BgpEventKind.BgpOpen, FsmHarness.PeerOpen());

        h.Post(BgpEventKind.OpenCollisionDump);

        Assert.Equal((BgpErrorCode.Cease, BgpErrorSubcode.ConnectionCollisionResolution), (h.LastNotification().Code, h.LastNotification().Subcode));
    }

    [Fact]
    public void UpdateMsgErr_Established_SendsTheUpdateError()
    {
        using var h = new FsmHarness();
        h.Establish();

        h.Post(BgpEventKind.UpdateMsgErr, new NotificationMessage(BgpErrorCode.UpdateMessage, BgpErrorSubcode.MalformedAttributeList));

        Assert.Equal(BgpErrorSubcode.MalformedAttributeList, h.LastNotification().Subcode);
        Assert.Equal(BgpState.Idle, h.Fsm.State);
    }

    [Fact]
    public void TimerEvent_StaleGeneration_Ignored()
    {
        using var h = new FsmHarness();
        h.Establish();

        h.Fsm.Handle(new BgpEvent(BgpEventKind.HoldTimerExpires, null, Generation: -5));

        Assert.Equal(BgpState.Established, h.Fsm.State);
    }

    [Fact]
    public void BuildOpen_GracefulRestartEnabled_AdvertisesItOnlyThen()
    {
        var plain = OpenNegotiation.BuildOpen(FsmHarness.DefaultSettings());
        var graceful = OpenNegotiation.BuildOpen(FsmHarness.DefaultSettings() with { GracefulRestart = true }, restarting: true);

        Assert.Null(plain.Find<GracefulRestartCapability>());
        Assert.True(graceful.Find<GracefulRestartCapability>()!.Restarting);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ConnectionUp_RestartState_OpenCarriesRestartAndForwardingBitsOnlyThen(bool restarting)
    {
        using var h = new FsmHarness(FsmHarness.DefaultSettings() with { GracefulRestart = true });
        h.Fsm.RestartState = restarting;

        h.Post(BgpEventKind.ManualStart);
        h.Post(BgpEventKind.TcpCrAcked);

        var restart = h.Sent.OfType<OpenMessage>().Single().Find<GracefulRestartCapability>()!;
        Assert.Equal(restarting, restart.Restarting);
        Assert.All(restart.Families, f => Assert.Equal(restarting, f.ForwardingPreserved));
    }

    [Fact]
    public void BuildOpen_FourOctetLocalAs_SendsAsTrans()
    {
        var open = OpenNegotiation.BuildOpen(FsmHarness.DefaultSettings() with { LocalAsn = 4200000001 });

        Assert.Equal(BgpWire.AsTrans, open.MyAutonomousSystem);
        Assert.Equal(4200000001u, open.AutonomousSystem);
    }

    [Fact]
    public void Negotiate_PeerWithoutMultiprotocol_AssumesIpv4Only()
    {
        var (session, _) = OpenNegotiation.Negotiate(FsmHarness.DefaultSettings(), new OpenMessage(4, 64500, 90, 1, []));

        Assert.Equal([BgpFamily.Ipv4Unicast], session!.Families);
        Assert.False(session.FourOctetAs);
    }
}
