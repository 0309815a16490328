using IronLb.Testing;
using Xunit.Abstractions;

namespace IronLb.EndToEnd.Tests;

/// <summary>
/// Layer 2 fencing and fail static with the services as separate processes (<see cref="FailoverLab"/>): a client asks
/// for the Service's address every few milliseconds while a fault is applied, and a capture on its interface shows
/// which MACs answered each question. Two MACs for one question is the failure fencing exists to prevent.
/// </summary>
public sealed class Layer2FencingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(20);

    // Four times the default timings: the properties hold at any timing, and CI's load must not pass for a dead node.
    private static readonly Dictionary<string, string> Timings = FailoverLab.ScaledTimings(4);
    private static readonly TimeSpan PeerSilence = new IronLb.Core.Failover.FailoverOptions().PeerSilence * 4;
    private static readonly TimeSpan BeaconInterval = new IronLb.Core.Failover.FailoverOptions().BeaconInterval * 4;

    private void Report(string what, IReadOnlyList<ArpProbe> probes)
    {
        var byMac = probes.SelectMany(p => p.ReplyMacs.Distinct()).GroupBy(m => m).Select(g => $"{g.Key}: {g.Count()}");
        output.WriteLine($"{what}: {probes.Count} probes, {probes.Count(p => p.AnsweredTwice)} answered by two MACs, {probes.Count(p => p.ReplyMacs.Count == 0)} unanswered; replies {string.Join(", ", byMac)}");
    }

    [NamespaceLabFact]
    public async Task OwnerCutOffFromTheStoreOnly_NoQuestionAnsweredTwice()
    {
        await using var lab = await FailoverLab.StartAsync("ilbfp", nodes: 2, electionReplicas: 1, Timings);
        var owner = await lab.WaitForSettledAsync(Patience);

        await using var watch = await ArpWatch.StartAsync(lab.Client, "eth0", FailoverLab.ClientMac, FailoverLab.Vip, Fast, TimeSpan.FromSeconds(14));
        await Task.Delay(TimeSpan.FromSeconds(1));
        lab.SetBlackhole(owner, on: true);
        await Task.Delay(TimeSpan.FromSeconds(8));
        lab.SetBlackhole(owner, on: false);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var probes = await watch.StopAsync();

        Report($"{owner} blackholed from the store for 8 s", probes);
        Assert.True(probes.Count > 200, $"the capture saw only {probes.Count} probes");
        Assert.DoesNotContain(probes, p => p.AnsweredTwice);

        // The LAN stays up, so the address stays answered but for a hand-over: at most one silence of the LAN.
        var bound = (int)Math.Ceiling((PeerSilence + BeaconInterval * 2) / Fast);
        Assert.True(probes.Count(p => p.ReplyMacs.Count == 0) <= bound, $"more than {bound} probes unanswered\n{lab.Output}");
    }

    [NamespaceLabFact]
    public async Task StoreGoneForEveryone_EveryQuestionAnsweredAndNothingMoves()
    {
        await using var lab = await FailoverLab.StartAsync("ilbfs", nodes: 2, electionReplicas: 1, Timings);
        var owner = await lab.WaitForSettledAsync(Patience);

        await using var watch = await ArpWatch.StartAsync(lab.Client, "eth0", FailoverLab.ClientMac, FailoverLab.Vip, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(16));
        await Task.Delay(TimeSpan.FromSeconds(1));
        lab.SetLink("ctl", up: false);
        await Task.Delay(TimeSpan.FromSeconds(10));
        lab.SetLink("ctl", up: true);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var probes = await watch.StopAsync();

        Report($"control host off the LAN for 10 s (owner {owner})", probes);
        Assert.True(probes.Count > 100, $"the capture saw only {probes.Count} probes");
        Assert.DoesNotContain(probes, p => p.ReplyMacs.Count == 0);
        Assert.All(probes, p => Assert.Equal([FailoverLab.MacOf(owner)], p.ReplyMacs.Distinct()));
        Assert.Equal(owner, lab.OwnerSeenByClient());
    }

    [NamespaceLabFact]
    public async Task OwnerStalledThenResumed_SuccessorTakesOverAndTheWokenOwnerNeverAnswersBesideIt()
    {
        await using var lab = await FailoverLab.StartAsync("ilbfz", nodes: 2, electionReplicas: 1, Timings);
        var owner = await lab.WaitForSettledAsync(Patience);
        var successor = lab.Nodes.Single(n => n != owner);

        await using var watch = await ArpWatch.StartAsync(lab.Client, "eth0", FailoverLab.ClientMac, FailoverLab.Vip, Fast, TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await lab.PauseLayer2Async(owner);
        await Task.Delay(TimeSpan.FromSeconds(4));

        // Requests asked during the stall sit in the owner's capture sockets; on waking it must answer none of them.
        await lab.ResumeLayer2Async(owner);
        await Task.Delay(TimeSpan.FromSeconds(4));
        var probes = await watch.StopAsync();

        Report($"{owner} stopped (SIGSTOP) for 4 s, then resumed", probes);
        Assert.True(probes.Count > 200, $"the capture saw only {probes.Count} probes");
        Assert.DoesNotContain(probes, p => p.AnsweredTwice);
        Assert.Equal([FailoverLab.MacOf(successor)], probes.TakeLast(50).SelectMany(p => p.ReplyMacs).Distinct());
    }

    [NamespaceLabFact]
    public async Task ActiveElectionReplicaKilled_StandbyTakesOverAndNoAddressMoves()
    {
        await using var lab = await FailoverLab.StartAsync("ilbfe", nodes: 2, electionReplicas: 2, Timings);
        var owner = await lab.WaitForSettledAsync(Patience);
        var active = await WaitForAsync(lab.ActiveElectionReplica, "an active election replica", lab);

        await using var watch = await ArpWatch.StartAsync(lab.Client, "eth0", FailoverLab.ClientMac, FailoverLab.Vip, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(8));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await lab.KillElectionAsync(active);
        var standby = await WaitForAsync(() => lab.ActiveElectionReplica() is { } now && now != active ? now : null, "the standby to take over", lab);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var probes = await watch.StopAsync();

        Report($"active election replica {active} killed; {standby} took over", probes);
        Assert.DoesNotContain(probes, p => p.ReplyMacs.Count == 0);
        Assert.All(probes, p => Assert.Equal([FailoverLab.MacOf(owner)], p.ReplyMacs.Distinct()));
    }

    [NamespaceLabFact]
    public async Task OwnerKilledLinkCutOrStopped_AddressMovesEachTime()
    {
        await using var lab = await FailoverLab.StartAsync("ilbfm", nodes: 2, electionReplicas: 1, Timings);
        await using var neighbours = await NeighbourWatch.StartAsync(lab.Client, FailoverLab.Vip);
        var owner = await lab.WaitForSettledAsync(Patience);

        // From here the client sends nothing: only the new owner's gratuitous ARP can change its entry.
        foreach (var fault in new[] { "SIGKILL", "link cut", "SIGTERM" })
        {
            var successor = lab.Nodes.Single(n => n != owner);
            var at = DateTime.Now;
            switch (fault)
            {
                case "SIGKILL":
                    await lab.KillLayer2Async(owner);
                    break;
                case "link cut":
                    lab.SetLink(owner, up: false);
                    break;
                default:
                    Assert.True(await lab.TerminateLayer2Async(owner));
                    break;
            }

            var moved = await neighbours.WaitForChangeToAsync(FailoverLab.MacOf(successor), at, Patience);
            Assert.True(moved is not null, $"after {fault} of {owner} the client's entry never named {successor}.\n{lab.Output}");
            output.WriteLine($"{fault} of {owner} at {at:HH:mm:ss.fff}: the client's neighbour entry named {successor} {(moved.Value - at).TotalMilliseconds:0} ms later");

            // Bring the old owner back as a standby (ownership is sticky, so it stays with the successor).
            if (fault == "link cut")
            {
                lab.SetLink(owner, up: true);
            }
            else
            {
                await lab.ForgetLayer2Async(owner);
                await lab.StartLayer2Async(owner);
            }

            // Whoever answers once the old owner is back is the owner the next fault hits. Ownership stays with the
            // successor unless the successor itself stalls on a loaded machine (its beacons late past PeerSilence): then
            // the old owner, its successor by now, rightly takes the address back.
            owner = await lab.WaitForSettledAsync(Patience);
            var after = owner == successor ? "it stayed there" : "it went to " + owner;
            output.WriteLine($"{fault}: {successor} took over; once the old owner was back, {after}");
        }
    }

    private static async Task<string> WaitForAsync(Func<string?> find, string what, FailoverLab lab)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Patience)
        {
            if (find() is { } found)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"Waited {Patience} for {what}.\n{lab.Output}");
    }
}
