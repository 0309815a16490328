using IronLb.Core.Contracts;
using IronLb.Core.Events;

namespace IronLb.Events.Tests.Contract;

public class EventDiffTests
{
    private static readonly ServiceAddressState Web = new("shop", "web", "p", ["192.0.2.10", "2001:db8::10"], null, 4);

    [Fact]
    public void ServiceDiff_SameStateAgain_NoEvent()
    {
        Assert.Empty(ServiceEventDiff.Diff([Web], [Web with { Since = 4 }], 9));
    }

    [Fact]
    public void ServiceDiff_DualStackAssigned_BothFamiliesAndIdFromSubjectAndVersion()
    {
        var assigned = Assert.Single(ServiceEventDiff.Diff([], [Web], 4));

        Assert.Equal("services/shop/web@4", assigned.Id);
        Assert.Equal(["IPv4", "IPv6"], ((EventData.ServiceAddresses)assigned.Data).Families);
        Assert.Equal(assigned.Id, ServiceEventDiff.Diff([], [Web], 4).Single().Id);
    }

    [Fact]
    public void ServiceDiff_FailedServiceGetsAddresses_AssignedChainedToTheFailure()
    {
        var failed = new ServiceAddressState("shop", "web", null, [], "pool exhausted", 2);

        var assigned = Assert.Single(ServiceEventDiff.Diff([failed], [Web], 4));

        Assert.Equal((EventTypes.AddressesAssigned, 4L, 2L), (assigned.Type, assigned.Version, assigned.PreviousVersion));
    }

    [Fact]
    public void OwnerDiff_SuccessorChangesOnly_NoEvent()
    {
        var before = new OwnerSet(3, [new AddressOwner("203.0.113.10", "node-a", 6, [], ["shop/web"], "node-b")]);
        var after = new OwnerSet(4, [new AddressOwner("203.0.113.10", "node-a", 6, [], ["shop/web"], "node-c")]);

        Assert.Empty(OwnerEventDiff.Diff(before, after));
    }

    [Fact]
    public void OwnerDiff_TakeoverConfirmedAndAddressGone_ConfirmedAndReleasedAboveTheOldEpoch()
    {
        var before = new OwnerSet(3, [new AddressOwner("203.0.113.10", "node-a", 7, [], ["shop/web"]), new AddressOwner("203.0.113.11", "node-a", 6, [], ["shop/api"])]);
        var after = new OwnerSet(4, [new AddressOwner("203.0.113.10", "node-a", 8, [], ["shop/web"])]);

        var events = OwnerEventDiff.Diff(before, after);

        Assert.Equal(["confirmed", "released"], events.Select(e => ((EventData.Layer2Owner)e.Data).Reason));
        Assert.Equal([(8L, 7L), (8L, 6L)], events.Select(e => (e.Version, e.PreviousVersion)));
        Assert.Null(((EventData.Layer2Owner)events[1].Data).Node);
    }

    [Fact]
    public void ConfigRejected_SameErrorsTwice_SameIdWithoutAdvancingTheVersion()
    {
        var first = ConfigurationEvents.Rejected(5, "/etc/ironlb", ["a: IPAddressPool/x: bad"]);
        var again = ConfigurationEvents.Rejected(5, "/etc/ironlb", ["a: IPAddressPool/x: bad"]);
        var other = ConfigurationEvents.Rejected(5, "/etc/ironlb", ["a: IPAddressPool/x: worse"]);

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Equal((5L, 5L), (first.Version, first.PreviousVersion));
        Assert.StartsWith("configuration@5/rejected-", first.Id, StringComparison.Ordinal);
    }

    [Fact]
    public void NodeSequence_ClockStandsStill_VersionsStillGrowPerSubject()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));
        var sequence = new NodeEventSequence(time);

        var first = sequence.Next("nodes/a/peers/r");
        var second = sequence.Next("nodes/a/peers/r");
        var other = sequence.Next("nodes/a/peers/s");

        Assert.Equal(first.Version, second.Previous);
        Assert.Equal(first.Version + 1, second.Version);
        Assert.Equal(0, other.Previous);
        Assert.Equal(0, first.Previous);
    }
}
