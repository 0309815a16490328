using IronLb.Bgp.Bfd;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Bgp.Tests.Bfd;

public sealed class BfdSessionTests
{
    /// <summary>Two sessions wired back to back on one fake clock; <see cref="Connected"/> cuts the wire.</summary>
    private sealed class Pair : IDisposable
    {
        public Pair(BfdSettings? a = null, BfdSettings? b = null)
        {
            // A's echo packets come straight back while EchoLooped, as the peer's forwarding would return them.
            A = new BfdSession(a ?? new BfdSettings(), 1, Time, p => { if (Connected) { B!.Receive(p); } SentByA.Add(p); }, run => run(), new Random(1),
                _ => { EchoesSent++; if (EchoLooped) { A!.ReceiveEcho(); } });
            B = new BfdSession(b ?? new BfdSettings(), 2, Time, p => { if (Connected) { A.Receive(p); } }, run => run(), new Random(2));
        }

        public bool EchoLooped { get; set; } = true;

        public int EchoesSent { get; private set; }

        public FakeTimeProvider Time { get; } = new();

        public BfdSession A { get; }

        public BfdSession B { get; }

        public bool Connected { get; set; } = true;

        public List<BfdPacket> SentByA { get; } = [];

        public void Dispose()
        {
            A.Dispose();
            B.Dispose();
        }
    }

    [Fact]
    public void Start_BothSides_ThreeWayHandshakeReachesUp()
    {
        using var pair = new Pair();

        pair.A.Start();
        pair.B.Start();

        Assert.Equal((BfdState.Up, BfdState.Up), (pair.A.State, pair.B.State));
    }

    [Fact]
    public void Up_AfterPollSequence_TransmitsAtTheFastInterval()
    {
        using var pair = new Pair();
        pair.A.Start();
        pair.B.Start();

        pair.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromMilliseconds(300), pair.A.TransmitInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(900), pair.A.DetectionTime);
        Assert.Contains(pair.SentByA, p => p.Poll);
    }

    [Fact]
    public void PacketsStop_DetectionTimeElapses_DownWithDetectionExpired()
    {
        using var pair = new Pair();
        var changes = new List<BfdState>();
        pair.A.StateChanged += (_, next) => changes.Add(next);
        pair.A.Start();
        pair.B.Start();
        pair.Time.Advance(TimeSpan.FromSeconds(2));

        pair.Connected = false;
        pair.Time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Equal(BfdState.Up, pair.A.State);
        pair.Time.Advance(TimeSpan.FromMilliseconds(400));

        Assert.Equal(BfdState.Down, pair.A.State);
        Assert.Equal(BfdDiagnostic.ControlDetectionTimeExpired, pair.A.LocalDiagnostic);
        // A heard B's Init first, so it went from Down straight to Up (RFC 5880 §6.8.6).
        Assert.Equal([BfdState.Up, BfdState.Down], changes);
    }

    [Fact]
    public void PacketsKeepComing_ManyDetectionTimes_StaysUp()
    {
        using var pair = new Pair();
        pair.A.Start();
        pair.B.Start();

        for (var i = 0; i < 100; i++)
        {
            pair.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal((BfdState.Up, BfdState.Up), (pair.A.State, pair.B.State));
    }

    [Fact]
    public void Receive_AdminDownWhileUp_DownWithNeighborSignaled()
    {
        using var pair = new Pair();
        pair.A.Start();
        pair.B.Start();
        pair.Connected = false;

        pair.A.Receive(new BfdPacket(BfdDiagnostic.AdministrativelyDown, BfdState.AdminDown, false, false, 3, 2, 1, 300_000, 300_000));

        Assert.Equal(BfdState.Down, pair.A.State);
        Assert.Equal(BfdDiagnostic.NeighborSignaledSessionDown, pair.A.LocalDiagnostic);
    }

    [Fact]
    public void Receive_Poll_AnsweredAtOnceWithFinal()
    {
        using var pair = new Pair();
        pair.A.Start();
        pair.B.Start();
        pair.SentByA.Clear();

        pair.A.Receive(new BfdPacket(BfdDiagnostic.None, BfdState.Up, true, false, 3, 2, 1, 300_000, 300_000));

        Assert.True(Assert.Single(pair.SentByA).Final);
    }

    [Fact]
    public void Receive_WrongYourDiscriminator_Ignored()
    {
        using var pair = new Pair { Connected = false };
        pair.A.Start();

        pair.A.Receive(new BfdPacket(BfdDiagnostic.None, BfdState.Init, false, false, 3, 9, 77, 300_000, 300_000));

        Assert.Equal(BfdState.Down, pair.A.State);
    }

    [Fact]
    public void AdminDown_Up_PeerGoesDownAsSignaledAndNothingMoreIsSent()
    {
        using var pair = new Pair();
        pair.A.Start();
        pair.B.Start();

        pair.A.AdminDown();
        var sent = pair.SentByA.Count;
        pair.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(BfdState.AdminDown, pair.A.State);
        Assert.Equal((BfdState.Down, BfdDiagnostic.NeighborSignaledSessionDown), (pair.B.State, pair.B.LocalDiagnostic));
        Assert.Equal(sent, pair.SentByA.Count);
    }

    [Fact]
    public void Start_Passive_SendsNothingWhileThePeerIsSilent()
    {
        using var pair = new Pair(new BfdSettings { Passive = true }) { Connected = false };

        pair.A.Start();
        pair.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Empty(pair.SentByA);
        Assert.Equal(BfdState.Down, pair.A.State);
    }

    [Fact]
    public void Receive_PassiveFirstPacketFromPeer_StartsSendingAndReachesUp()
    {
        using var pair = new Pair(new BfdSettings { Passive = true });
        pair.A.Start();
        Assert.Empty(pair.SentByA);

        pair.B.Start();
        pair.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal((BfdState.Up, BfdState.Up), (pair.A.State, pair.B.State));
        Assert.NotEmpty(pair.SentByA);
    }

    [Fact]
    public void Receive_PassiveFirstPacketIsAdminDown_StillStartsPeriodicTransmission()
    {
        using var pair = new Pair(new BfdSettings { Passive = true }) { Connected = false };
        pair.A.Start();

        pair.A.Receive(new BfdPacket(BfdDiagnostic.AdministrativelyDown, BfdState.AdminDown, false, false, 3, 2, 0, 300_000, 300_000));
        for (var i = 0; i < 30; i++)
        {
            pair.Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(pair.SentByA.Count >= 3, $"{pair.SentByA.Count} packets in 3 s");
    }

    [Fact]
    public void DetectionTimeElapses_Passive_FallsSilentUntilThePeerSpeaksAgain()
    {
        using var pair = new Pair(new BfdSettings { Passive = true });
        pair.A.Start();
        pair.B.Start();
        pair.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(BfdState.Up, pair.A.State);

        pair.Connected = false;
        pair.Time.Advance(TimeSpan.FromSeconds(2));
        var sent = pair.SentByA.Count;
        pair.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(BfdState.Down, pair.A.State);
        Assert.Equal(sent, pair.SentByA.Count);
    }

    private static readonly BfdSettings EchoWanted = new() { EchoTransmitInterval = TimeSpan.FromMilliseconds(50) };

    private static void Advance(Pair pair, TimeSpan total)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += TimeSpan.FromMilliseconds(10))
        {
            pair.Time.Advance(TimeSpan.FromMilliseconds(10));
        }
    }

    /// <summary>A wants echo at 50 ms; B loops echo at 100 ms at the most (or refuses it); both started and run for 2 s.</summary>
    private static Pair RunningEchoPair(bool peerLoopsEcho = true)
    {
        var pair = new Pair(EchoWanted, new BfdSettings { RequiredMinEchoRx = peerLoopsEcho ? TimeSpan.FromMilliseconds(100) : TimeSpan.Zero });
        pair.A.Start();
        pair.B.Start();
        Advance(pair, TimeSpan.FromSeconds(2));
        return pair;
    }

    [Fact]
    public void Up_EchoWantedAndPeerLoops_EchoRunsAtTheSlowerOfBothIntervals()
    {
        using var pair = RunningEchoPair();

        Assert.True(pair.A.EchoActive);
        Assert.Equal(TimeSpan.FromMilliseconds(100), pair.A.EchoInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(300), pair.A.EchoDetectionTime);
        Assert.InRange(pair.EchoesSent, 15, 30); // 2 s at 75-100 ms
        Assert.Equal(BfdState.Up, pair.A.State);
    }

    [Fact]
    public void EchoStopsComingBack_ControlStillFlowing_DownWithEchoFunctionFailedAfterEchoDetectionTime()
    {
        using var pair = RunningEchoPair();
        pair.SentByA.Clear();
        pair.EchoLooped = false;

        // The last echo came back at most one interval (100 ms) before the stop; detection is 3 x 100 ms after it.
        Advance(pair, TimeSpan.FromMilliseconds(190));
        Assert.DoesNotContain(pair.SentByA, p => p.State == BfdState.Down);
        Advance(pair, TimeSpan.FromMilliseconds(120));

        // Control packets still flow, so the handshake brings the session back at once: what counts is why it fell.
        Assert.Contains(pair.SentByA, p => p.State == BfdState.Down && p.Diagnostic == BfdDiagnostic.EchoFunctionFailed);
    }

    [Fact]
    public void Up_PeerAdvertisesNoEchoReceive_EchoNeverStarts()
    {
        using var pair = RunningEchoPair(peerLoopsEcho: false);

        Assert.False(pair.A.EchoActive);
        Assert.Equal(0, pair.EchoesSent);
    }

    [Fact]
    public void Transmit_RequiredMinEchoRxSet_AdvertisedInControlPackets()
    {
        using var pair = new Pair(new BfdSettings { RequiredMinEchoRx = TimeSpan.FromMilliseconds(50) }) { Connected = false };

        pair.A.Start();

        Assert.Equal(50_000u, pair.SentByA.Single().RequiredMinEchoRxMicroseconds);
    }
}
