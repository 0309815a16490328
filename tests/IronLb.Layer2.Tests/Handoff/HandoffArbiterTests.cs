using System.Net;
using IronLb.Core.Failover;
using IronLb.Layer2.Handoff;

namespace IronLb.Layer2.Tests.Handoff;

public sealed class HandoffArbiterTests
{
    private static readonly FailoverOptions Timing = new();
    private static readonly IPAddress Vip = IPAddress.Parse("203.0.113.10");
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private long _sequence;

    private static Beacon Holding(string node, long epoch) => new(node, 1, false, [new BeaconEntry(Vip, epoch, BeaconEntryKind.Held)]);

    private static Beacon Claiming(string node, long epoch) => new(node, 1, false, [new BeaconEntry(Vip, epoch, BeaconEntryKind.Claim)]);

    private static Beacon Quiet(string node) => new(node, 1, false, []);

    /// <summary>Drives an arbiter through [from, to) as its host does: a beacon every interval, a beacon heard from
    /// each of <paramref name="peers"/> every interval, and the store acknowledging heartbeats when it is up.</summary>
    private void Run(HandoffArbiter arbiter, TimeSpan from, TimeSpan to, bool storeUp, params Func<TimeSpan, Beacon>[] peers)
    {
        for (var now = from; now < to; now += Timing.BeaconInterval)
        {
            arbiter.NextBeacon(++_sequence, now);
            foreach (var peer in peers)
            {
                arbiter.Heard(peer(now), now);
            }

            if (storeUp)
            {
                arbiter.StoreAcknowledged(now, now);
            }

            arbiter.Evaluate(now);
        }
    }

    private (HandoffArbiter Arbiter, TimeSpan Now) AnsweringOwner(string node = "node-a", long epoch = 1)
    {
        var arbiter = new HandoffArbiter(node, Timing, TimeSpan.Zero);
        arbiter.SetOwned([(Vip, epoch)], TimeSpan.Zero);
        var now = Timing.PeerSilence + Timing.BeaconInterval * 2;
        Run(arbiter, TimeSpan.Zero, now, storeUp: true, _ => Quiet("node-c"));
        Assert.Contains(Vip, arbiter.Answering);
        return (arbiter, now);
    }

    [Fact]
    public void SetOwned_FreshNode_AnswersOnlyAfterListeningForPeerSilence()
    {
        var arbiter = new HandoffArbiter("node-a", Timing, TimeSpan.Zero);
        arbiter.SetOwned([(Vip, 1)], TimeSpan.Zero);

        Run(arbiter, TimeSpan.Zero, Timing.PeerSilence, storeUp: true);
        var early = arbiter.Answering.ToList();
        var change = arbiter.Evaluate(Timing.PeerSilence);

        Assert.Empty(early);
        Assert.Equal([Vip], change.Started);
    }

    [Fact]
    public void Claim_PreviousOwnerStillBeaconing_NeverAnswers()
    {
        var arbiter = new HandoffArbiter("node-b", Timing, TimeSpan.Zero);
        arbiter.SetOwned([(Vip, 2)], TimeSpan.Zero);

        // node-a answers at an older epoch and never hears node-b (one-way loss): node-b must keep waiting.
        Run(arbiter, TimeSpan.Zero, TimeSpan.FromSeconds(5), storeUp: true, _ => Holding("node-a", 1));

        Assert.Empty(arbiter.Answering);
        Assert.Equal(HandoffState.Claiming, arbiter.States[Vip]);
    }

    [Fact]
    public void Claim_PreviousOwnerFallsSilent_AnswersPeerSilenceAfterItsLastBeacon()
    {
        var arbiter = new HandoffArbiter("node-b", Timing, TimeSpan.Zero);
        arbiter.SetOwned([(Vip, 2)], TimeSpan.Zero);
        var lastHeard = TimeSpan.FromSeconds(1);
        Run(arbiter, TimeSpan.Zero, lastHeard + Ms, storeUp: true, now => now <= lastHeard ? Holding("node-a", 1) : Quiet("node-a"));

        Run(arbiter, lastHeard + Timing.BeaconInterval, lastHeard + Timing.PeerSilence, storeUp: true, _ => Quiet("node-c"));
        var before = arbiter.Answering.ToList();
        var decision = arbiter.NextDecision(lastHeard + Timing.PeerSilence - Ms);
        var change = arbiter.Evaluate(lastHeard + Timing.PeerSilence);

        Assert.Empty(before);
        Assert.Equal(lastHeard + Timing.PeerSilence, decision);
        Assert.Equal([Vip], change.Started);
    }

    [Fact]
    public void Claim_PreviousOwnerReleases_AnswersAtOnce()
    {
        var arbiter = new HandoffArbiter("node-b", Timing, TimeSpan.Zero);
        arbiter.SetOwned([(Vip, 2)], TimeSpan.Zero);
        var now = TimeSpan.FromSeconds(1);
        Run(arbiter, TimeSpan.Zero, now, storeUp: true, _ => Holding("node-a", 1));

        var change = arbiter.Heard(new Beacon("node-a", 9, false, [new BeaconEntry(Vip, 1, BeaconEntryKind.Released)]), now);

        Assert.Equal([Vip], change.Started);
    }

    [Fact]
    public void Heard_NewerEpochClaimed_OwnerYieldsAtOnceAndSaysSo()
    {
        var (arbiter, now) = AnsweringOwner();

        var change = arbiter.Heard(Claiming("node-b", 2), now);
        var (beacon, _) = arbiter.NextBeacon(++_sequence, now);

        Assert.Equal([Vip], change.Stopped);
        Assert.Empty(arbiter.Answering);
        Assert.Equal(HandoffState.Yielded, arbiter.States[Vip]);
        Assert.Contains(new BeaconEntry(Vip, 1, BeaconEntryKind.Released), beacon.Entries);
    }

    [Fact]
    public void Heard_OlderEpochClaimed_OwnerKeepsAnswering()
    {
        var (arbiter, now) = AnsweringOwner(epoch: 5);

        var change = arbiter.Heard(Claiming("node-b", 4), now);

        Assert.True(change.IsEmpty);
        Assert.Contains(Vip, arbiter.Answering);
    }

    [Fact]
    public void NextBeacon_AfterAStall_StopsAndListensAfreshBeforeAnswering()
    {
        var (arbiter, now) = AnsweringOwner();
        Assert.True(arbiter.AnswerUntil > now);

        // SIGSTOP: nothing runs for two seconds; on waking, the gate has long closed.
        var woken = now + TimeSpan.FromSeconds(2);
        var closedOnWaking = arbiter.AnswerUntil <= woken;
        var (_, change) = arbiter.NextBeacon(++_sequence, woken);
        arbiter.Heard(Quiet("node-c"), woken);

        Assert.True(closedOnWaking);
        Assert.Equal([Vip], change.Stopped);
        Assert.Equal(woken + Timing.PeerSilence, arbiter.NextDecision(woken));
    }

    [Fact]
    public void Stall_SuccessorTookOverMeanwhile_WokenOwnerYieldsAndNeverAnswers()
    {
        var (arbiter, now) = AnsweringOwner();
        var woken = now + TimeSpan.FromSeconds(2);

        arbiter.NextBeacon(++_sequence, woken);
        Run(arbiter, woken, woken + TimeSpan.FromSeconds(2), storeUp: false, _ => Holding("node-b", 2));

        Assert.Empty(arbiter.Answering);
        Assert.Equal(HandoffState.Yielded, arbiter.States[Vip]);
    }

    [Fact]
    public void StoreUnreachable_PeersStillHeard_KeepsAnsweringForever()
    {
        var (arbiter, now) = AnsweringOwner();

        Run(arbiter, now, now + TimeSpan.FromSeconds(30), storeUp: false, _ => Quiet("node-b"), _ => Quiet("node-c"));

        Assert.Contains(Vip, arbiter.Answering);
        Assert.True(arbiter.AnswerUntil > now + TimeSpan.FromSeconds(30) - Timing.BeaconInterval);
    }

    [Fact]
    public void LinkCut_NoPeerAndNoStore_StopsWithinLonelyAfterAndYieldsToTheSuccessorWhenTheLinkReturns()
    {
        var (arbiter, now) = AnsweringOwner();

        // The cut: beacons still go out (into nothing), nothing is heard, the store is behind the same link.
        Run(arbiter, now, now + TimeSpan.FromSeconds(3), storeUp: false);
        var afterCut = arbiter.Answering.ToList();
        var closedBy = arbiter.AnswerUntil;

        // The link returns: the first frame heard is an uninvolved peer, then the successor's beacon.
        var back = now + TimeSpan.FromSeconds(3);
        arbiter.Heard(Quiet("node-c"), back);
        var answeringOnReturn = arbiter.Answering.ToList();
        arbiter.Heard(Holding("node-b", 2), back + Ms);

        Assert.Empty(afterCut);
        Assert.True(closedBy <= now + Timing.LonelyAfter + Timing.HeartbeatTimeout);
        Assert.Empty(answeringOnReturn);
        Assert.Equal(HandoffState.Yielded, arbiter.States[Vip]);
    }

    [Fact]
    public void AnswerUntil_NeverLaterThanBeaconHoldAfterTheLastBeacon()
    {
        var (arbiter, now) = AnsweringOwner();

        arbiter.NextBeacon(++_sequence, now);
        arbiter.StoreAcknowledged(now, now);
        arbiter.Heard(Quiet("node-b"), now);

        Assert.Equal(now + Timing.BeaconHold, arbiter.AnswerUntil);
    }

    [Fact]
    public void Heard_LeavingPeer_ClearsItsHoldsSoAClaimStartsAtOnce()
    {
        var arbiter = new HandoffArbiter("node-b", Timing, TimeSpan.Zero);
        arbiter.SetOwned([(Vip, 2)], TimeSpan.Zero);
        var now = TimeSpan.FromSeconds(1);
        Run(arbiter, TimeSpan.Zero, now, storeUp: true, _ => Holding("node-a", 1));

        var change = arbiter.Heard(new Beacon("node-a", 9, Leaving: true, []), now);

        Assert.Equal([Vip], change.Started);
    }

    [Fact]
    public void SetOwned_AddressTakenAway_StopsAndReleases()
    {
        var (arbiter, now) = AnsweringOwner();

        var change = arbiter.SetOwned([], now);
        var (beacon, _) = arbiter.NextBeacon(++_sequence, now);

        Assert.Equal([Vip], change.Stopped);
        Assert.Equal([new BeaconEntry(Vip, 1, BeaconEntryKind.Released)], beacon.Entries);
    }
}

public sealed class HandoffArbiterTakeoverTests
{
    private static readonly FailoverOptions Timing = new();
    private static readonly IPAddress Vip = IPAddress.Parse("203.0.113.10");
    private long _sequence;

    private static Beacon Holding(string node, long epoch) => new(node, 1, false, [new BeaconEntry(Vip, epoch, BeaconEntryKind.Held)]);

    /// <summary>A successor for <see cref="Vip"/> (owner node-a at epoch 4) that has heard node-a hold it until <paramref name="until"/>.</summary>
    private HandoffArbiter Successor(TimeSpan until)
    {
        var arbiter = new HandoffArbiter("node-b", Timing, TimeSpan.Zero);
        arbiter.SetOwned([], TimeSpan.Zero, [(Vip, "node-a", 4)]);
        for (var now = TimeSpan.Zero; now <= until; now += Timing.BeaconInterval)
        {
            arbiter.NextBeacon(++_sequence, now);
            arbiter.Heard(Holding("node-a", 4), now);
            arbiter.StoreAcknowledged(now, now);
            Assert.Empty(arbiter.Evaluate(now).Started);
        }

        return arbiter;
    }

    [Fact]
    public void Evaluate_OwnerSilentForPeerSilence_SuccessorTakesOverOneEpochAbove()
    {
        var lastHeard = TimeSpan.FromSeconds(1);
        var arbiter = Successor(lastHeard);

        for (var now = lastHeard + Timing.BeaconInterval; now < lastHeard + Timing.PeerSilence; now += Timing.BeaconInterval)
        {
            arbiter.NextBeacon(++_sequence, now);
            arbiter.StoreAcknowledged(now, now);
            Assert.Empty(arbiter.Evaluate(now).Started);
        }

        var change = arbiter.Evaluate(lastHeard + Timing.PeerSilence);
        var (beacon, _) = arbiter.NextBeacon(++_sequence, lastHeard + Timing.PeerSilence);

        Assert.Equal([Vip], change.Started);
        Assert.Equal([Vip], arbiter.TakenOver);
        Assert.Contains(new BeaconEntry(Vip, 5, BeaconEntryKind.Held), beacon.Entries);
    }

    [Fact]
    public void Heard_OwnerLeaves_SuccessorTakesOverAtOnce()
    {
        var arbiter = Successor(TimeSpan.FromSeconds(1));

        var change = arbiter.Heard(new Beacon("node-a", 99, Leaving: true, [new BeaconEntry(Vip, 4, BeaconEntryKind.Released)]), TimeSpan.FromSeconds(1));

        Assert.Equal([Vip], change.Started);
    }

    [Fact]
    public void Evaluate_OwnerBeaconingWithoutHoldingIt_NoTakeover()
    {
        var arbiter = Successor(TimeSpan.FromSeconds(1));

        // The owner is alive and claiming (say, it just restarted): its business, not the successor's.
        for (var now = TimeSpan.FromSeconds(1); now < TimeSpan.FromSeconds(5); now += Timing.BeaconInterval)
        {
            arbiter.NextBeacon(++_sequence, now);
            arbiter.Heard(new Beacon("node-a", 1, false, [new BeaconEntry(Vip, 4, BeaconEntryKind.Claim)]), now);
            Assert.Empty(arbiter.Evaluate(now).Started);
        }
    }

    [Fact]
    public void Evaluate_SuccessorCutOffItself_NoTakeover()
    {
        var arbiter = Successor(TimeSpan.FromSeconds(1));

        // The successor's own link is cut: it hears nobody and the store is behind the same link.
        for (var now = TimeSpan.FromSeconds(1); now < TimeSpan.FromSeconds(5); now += Timing.BeaconInterval)
        {
            arbiter.NextBeacon(++_sequence, now);
            Assert.Empty(arbiter.Evaluate(now).Started);
        }
    }

    [Fact]
    public void SetOwned_ElectionConfirmsTheSuccessor_KeepsAnsweringAtElectionsEpoch()
    {
        var arbiter = Successor(TimeSpan.FromSeconds(1));
        arbiter.Heard(new Beacon("node-a", 99, Leaving: true, []), TimeSpan.FromSeconds(1));

        var soon = TimeSpan.FromSeconds(1) + Timing.BeaconInterval;
        var change = arbiter.SetOwned([(Vip, 6)], soon, []);
        var (beacon, _) = arbiter.NextBeacon(++_sequence, soon);

        Assert.True(change.IsEmpty);
        Assert.Empty(arbiter.TakenOver);
        Assert.Equal([new BeaconEntry(Vip, 6, BeaconEntryKind.Held)], beacon.Entries);
    }

    [Fact]
    public void SetOwned_ElectionNamesAnotherOwner_TakeoverReleased()
    {
        var arbiter = Successor(TimeSpan.FromSeconds(1));
        arbiter.Heard(new Beacon("node-a", 99, Leaving: true, []), TimeSpan.FromSeconds(1));

        var change = arbiter.SetOwned([], TimeSpan.FromSeconds(1) + Timing.BeaconInterval, [(Vip, "node-c", 6)]);

        Assert.Equal([Vip], change.Stopped);
    }

    [Fact]
    public void Heard_StalledOwnerWakesAtItsOldEpoch_OwnerYieldsToTheSuccessor()
    {
        // The owner's side of a takeover: it stalled, node-b took the address over at epoch 5.
        var owner = new HandoffArbiter("node-a", Timing, TimeSpan.Zero);
        owner.SetOwned([(Vip, 4)], TimeSpan.Zero);
        for (var now = TimeSpan.Zero; now <= TimeSpan.FromSeconds(1); now += Timing.BeaconInterval)
        {
            owner.NextBeacon(++_sequence, now);
            owner.StoreAcknowledged(now, now);
            owner.Evaluate(now);
        }

        Assert.Contains(Vip, owner.Answering);
        var woken = TimeSpan.FromSeconds(3);
        owner.NextBeacon(++_sequence, woken);
        owner.Heard(Holding("node-b", 5), woken);

        Assert.Empty(owner.Answering);
        Assert.Equal(HandoffState.Yielded, owner.States[Vip]);
    }
}
