using IronLb.Core.Contracts;
using IronLb.Election.Election;

namespace IronLb.Election.Tests.Election;

public class OwnerElectionTests
{
    private static AnnouncementIntent Intent(string name, string address, string[] nodes, string policy = "Cluster", string[]? ready = null, string[]? interfaces = null) =>
        new("default", name, [address], "pool", [new Layer2Announcement("l2", nodes, interfaces ?? [])], [], policy, ready ?? nodes);

    private static IntentSet Intents(params AnnouncementIntent[] intents) => new(1, intents);

    private static HashSet<string> Live(params string[] nodes) => new(nodes, StringComparer.Ordinal);

    [Fact]
    public void Elect_NewAddress_PicksLowestHashRankAmongLiveCandidates()
    {
        var intents = Intents(Intent("web", "203.0.113.10", ["node1", "node2", "node3"]));

        var owners = OwnerElection.Elect(intents, Live("node1", "node2", "node3"), OwnerSet.Empty);

        var expected = new[] { "node1", "node2", "node3" }.OrderBy(n => OwnerElection.Rank(n, "203.0.113.10"), StringComparer.Ordinal).First();
        var owner = Assert.Single(owners.Owners);
        Assert.Equal(expected, owner.Node);
        Assert.Equal(1, owners.Version);
        Assert.Equal(2, owner.Epoch);
        Assert.NotEqual(expected, owner.Successor);
        Assert.NotNull(owner.Successor);
        Assert.Equal(["default/web"], owner.Services);
    }

    [Fact]
    public void Elect_NothingChanged_ReturnsPreviousInstance()
    {
        var intents = Intents(Intent("web", "203.0.113.10", ["node1", "node2"]));
        var first = OwnerElection.Elect(intents, Live("node1", "node2"), OwnerSet.Empty);

        var second = OwnerElection.Elect(intents, Live("node1", "node2"), first);

        Assert.Same(first, second);
    }

    [Fact]
    public void Elect_OwnerDies_MovesToSurvivorWithHigherEpoch()
    {
        var intents = Intents(Intent("web", "203.0.113.10", ["node1", "node2"]));
        var first = OwnerElection.Elect(intents, Live("node1", "node2"), OwnerSet.Empty);
        var dead = first.Owners[0].Node;
        var survivor = dead == "node1" ? "node2" : "node1";

        var second = OwnerElection.Elect(intents, Live(survivor), first);

        var owner = Assert.Single(second.Owners);
        Assert.Equal(survivor, owner.Node);
        Assert.True(owner.Epoch > first.Owners[0].Epoch);
        Assert.True(second.Version > first.Version);
    }

    [Fact]
    public void Elect_NodeJoins_OwnerStays()
    {
        var intents = Intents(Intent("web", "203.0.113.10", ["node1", "node2", "node3"]));
        var ranked = new[] { "node1", "node2", "node3" }.OrderBy(n => OwnerElection.Rank(n, "203.0.113.10"), StringComparer.Ordinal).ToList();
        var withoutBest = OwnerElection.Elect(intents, Live(ranked[1], ranked[2]), OwnerSet.Empty);

        var afterJoin = OwnerElection.Elect(intents, Live(ranked[0], ranked[1], ranked[2]), withoutBest);

        // The owner and its epoch stay; only the successor is now the best-ranked node.
        Assert.Equal(ranked[1], afterJoin.Owners[0].Node);
        Assert.Equal(withoutBest.Owners[0].Epoch, afterJoin.Owners[0].Epoch);
        Assert.Equal(ranked[0], afterJoin.Owners[0].Successor);
    }

    [Fact]
    public void Elect_LocalPolicy_OnlyNodesWithReadyEndpoints()
    {
        var intents = Intents(Intent("web", "2001:db8:1:20::20", ["node1", "node2", "node3"], "Local", ready: ["node3"]));

        var owners = OwnerElection.Elect(intents, Live("node1", "node2", "node3"), OwnerSet.Empty);

        Assert.Equal("node3", Assert.Single(owners.Owners).Node);
    }

    [Fact]
    public void Elect_NoReadyEndpoints_AddressNotAnnounced()
    {
        var intents = Intents(Intent("web", "203.0.113.10", ["node1"], ready: []));

        var owners = OwnerElection.Elect(intents, Live("node1"), OwnerSet.Empty);

        Assert.Empty(owners.Owners);
    }

    [Fact]
    public void Elect_EveryCandidateLooksDead_PreviousOwnerKept()
    {
        var intents = Intents(Intent("web", "203.0.113.10", ["node1", "node2"]));
        var first = OwnerElection.Elect(intents, Live("node1", "node2"), OwnerSet.Empty);

        // Election lost sight of every node at once (the control plane is cut off): nothing moves, nothing is dropped.
        var second = OwnerElection.Elect(intents, Live(), first);

        Assert.Same(first, second);
    }

    [Fact]
    public void Elect_NewAddressWithNoLiveCandidate_NotAssigned()
    {
        var owners = OwnerElection.Elect(Intents(Intent("web", "203.0.113.10", ["node1"])), Live(), OwnerSet.Empty);

        Assert.Empty(owners.Owners);
    }

    [Fact]
    public void Elect_OwnerNoLongerEligible_DroppedEvenWithNoLiveCandidate()
    {
        var first = OwnerElection.Elect(Intents(Intent("web", "203.0.113.10", ["node1"])), Live("node1"), OwnerSet.Empty);

        var second = OwnerElection.Elect(Intents(Intent("web", "203.0.113.10", ["node2"])), Live(), first);

        Assert.Empty(second.Owners);
    }

    [Fact]
    public void Elect_SharedAddress_OwnerServesEveryServiceAndInterfacesAreUnited()
    {
        var intents = Intents(
            Intent("dns-tcp", "203.0.113.53", ["node1", "node2"], interfaces: ["eth0"]),
            Intent("dns-udp", "203.0.113.53", ["node2"], interfaces: ["eth1"]));

        var owners = OwnerElection.Elect(intents, Live("node1", "node2"), OwnerSet.Empty);

        var owner = Assert.Single(owners.Owners);
        Assert.Equal("node2", owner.Node);
        Assert.Equal(["default/dns-tcp", "default/dns-udp"], owner.Services);
        Assert.Equal(["eth0", "eth1"], owner.Interfaces);
    }

    [Fact]
    public void Elect_ManyAddresses_SpreadOverNodes()
    {
        var intents = new IntentSet(1, Enumerable.Range(1, 60)
            .Select(i => Intent("svc" + i, "203.0.113." + i, ["node1", "node2", "node3"]))
            .ToList());

        var owners = OwnerElection.Elect(intents, Live("node1", "node2", "node3"), OwnerSet.Empty);

        var perNode = owners.Owners.GroupBy(o => o.Node).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, perNode.Count);
        Assert.All(perNode.Values, count => Assert.InRange(count, 5, 40));
    }

    [Fact]
    public void Elect_DualStackService_BothAddressesOnTheNodeRankedByTheFirstAddress()
    {
        string[] nodes = ["node1", "node2", "node3", "node4", "node5", "node6"];
        var intent = new AnnouncementIntent("default", "web", ["203.0.113.10", "2001:db8::10"], "pool", [new Layer2Announcement("l2", nodes, [])], [], "Cluster", nodes);

        var owners = OwnerElection.Elect(new IntentSet(1, [intent]), Live(nodes), OwnerSet.Empty).Owners;

        // MetalLB's speaker ranks nodes by sha256(node + "#" + first address) and announces every address of the Service there.
        var expected = nodes.OrderBy(n => OwnerElection.Rank(n, "203.0.113.10"), StringComparer.Ordinal).First();
        Assert.Equal(["2001:db8::10", "203.0.113.10"], owners.Select(o => o.Address));
        Assert.All(owners, o => Assert.Equal(expected, o.Node));
    }

    [Fact]
    public void Elect_ServicesChainedBySharedAddresses_AllOnOneNode()
    {
        string[] nodes = ["node1", "node2", "node3", "node4"];
        var a = new AnnouncementIntent("default", "a", ["203.0.113.10", "2001:db8::10"], "pool", [new Layer2Announcement("l2", nodes, [])], [], "Cluster", nodes);
        var b = new AnnouncementIntent("default", "b", ["203.0.113.10"], "pool", [new Layer2Announcement("l2", nodes, [])], [], "Cluster", nodes);
        var c = new AnnouncementIntent("default", "c", ["2001:db8::10", "203.0.113.11"], "pool", [new Layer2Announcement("l2", nodes, [])], [], "Cluster", nodes);

        var owners = OwnerElection.Elect(new IntentSet(1, [a, b, c]), Live(nodes), OwnerSet.Empty).Owners;

        Assert.Equal(3, owners.Count);
        Assert.Single(owners.Select(o => o.Node).Distinct());
    }

    [Fact]
    public void Elect_OneAddressOwnedBeforeGrouping_TheWholeServiceJoinsItsOwner()
    {
        string[] nodes = ["node1", "node2", "node3"];
        var intent = new AnnouncementIntent("default", "web", ["203.0.113.10", "2001:db8::10"], "pool", [new Layer2Announcement("l2", nodes, [])], [], "Cluster", nodes);
        var previous = new OwnerSet(4, [
            new AddressOwner("2001:db8::10", "node3", 2, [], ["default/web"]),
            new AddressOwner("203.0.113.10", "node2", 3, [], ["default/web"]),
        ]);

        var owners = OwnerElection.Elect(new IntentSet(1, [intent]), Live(nodes), previous).Owners;

        // The ranking address's owner keeps it and takes the other address, with a new epoch for the moved one only.
        Assert.All(owners, o => Assert.Equal("node2", o.Node));
        Assert.Equal(3, owners.Single(o => o.Address == "203.0.113.10").Epoch);
        Assert.Equal(10, owners.Single(o => o.Address == "2001:db8::10").Epoch);
    }

    [Fact]
    public void Elect_LiveSuccessorTookTheAddressOver_ConfirmedWithAnElectionEpoch()
    {
        var intents = Intents(Intent("web", "203.0.113.10", ["node1", "node2", "node3"]));
        var first = OwnerElection.Elect(intents, Live("node1", "node2", "node3"), OwnerSet.Empty);
        var owner = first.Owners[0];

        // The owner stalled long enough for its successor to take over on the LAN, and is alive again.
        var second = OwnerElection.Elect(intents, Live("node1", "node2", "node3"), first, new Dictionary<string, string> { ["203.0.113.10"] = owner.Successor! });

        var confirmed = Assert.Single(second.Owners);
        Assert.Equal(owner.Successor, confirmed.Node);
        Assert.True(confirmed.Epoch > owner.Epoch + 1);
        Assert.Equal(0, confirmed.Epoch % 2);
    }

    [Fact]
    public void Elect_OwnerTimesOutWhileNobodyElseIsFresh_AddressStays()
    {
        var intents = Intents(Intent("web", "203.0.113.10", ["node1", "node2", "node3"]));
        var first = OwnerElection.Elect(intents, Live("node1", "node2", "node3"), OwnerSet.Empty);
        var owner = first.Owners[0].Node;
        var others = new[] { "node1", "node2", "node3" }.Where(n => n != owner).ToArray();

        // The control host lost every node at once; their last heartbeats expire a few milliseconds apart, and for
        // one pass the others still count as alive, though none was heard from just now.
        var second = OwnerElection.Elect(intents, Live(others), first, freshNodes: Live());

        Assert.Same(first, second);
    }

    [Fact]
    public void Elect_OwnerTimesOutAndAnotherIsFresh_MovesToAFreshNode()
    {
        var intents = Intents(Intent("web", "203.0.113.10", ["node1", "node2", "node3"]));
        var first = OwnerElection.Elect(intents, Live("node1", "node2", "node3"), OwnerSet.Empty);
        var owner = first.Owners[0].Node;
        var others = new[] { "node1", "node2", "node3" }.Where(n => n != owner).ToArray();

        var second = OwnerElection.Elect(intents, Live(others), first, freshNodes: Live(others[1]));

        Assert.Equal(others[1], Assert.Single(second.Owners).Node);
    }
}
