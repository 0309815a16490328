using System.Text.Json;
using DnsHosts;
using IronLb.Core.Events;

namespace IronLb.Events.Tests.Integration;

/// <summary>The example's table, fed with events exactly as IronLB writes them.</summary>
public class HostsTableTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 17, 0, 0, TimeSpan.Zero);

    private static JsonElement Event(IntegrationEvent e) => JsonDocument.Parse(CloudEventFormat.Write(e, "/ironlb/ipam/node-a", At)).RootElement.Clone();

    private static ServiceAddressState Web(long since, params string[] addresses) => new("shop", "web", "p", addresses, null, since);

    [Fact]
    public void Apply_AssignedTwiceThenOlderChange_SecondAndOlderDropped()
    {
        var table = new HostsTable();
        var assigned = Event(ServiceEventDiff.Diff([], [Web(3, "203.0.113.10")], 3).Single());
        var stale = Event(ServiceEventDiff.Diff([Web(1, "203.0.113.9")], [Web(2, "203.0.113.11")], 2).Single());

        Assert.Equal([Applied.Changed, Applied.Duplicate, Applied.Duplicate], new[] { table.Apply(assigned), table.Apply(assigned), table.Apply(stale) });
        Assert.EndsWith("203.0.113.10\tweb.shop\n", table.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ChangeWhosePreviousWasMissed_AppliedAndReportedAsGap()
    {
        var table = new HostsTable();
        table.Apply(Event(ServiceEventDiff.Diff([], [Web(3, "203.0.113.10")], 3).Single()));

        var applied = table.Apply(Event(ServiceEventDiff.Diff([Web(5, "203.0.113.12")], [Web(7, "203.0.113.13", "2001:db8::13")], 7).Single()));

        Assert.Equal(Applied.Gap, applied);
        Assert.EndsWith("2001:db8::13\tweb.shop\n203.0.113.13\tweb.shop\n", table.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Resync_FromStatus_ReplacesTheTableAndDropsEventsAtOrBelowItsVersion()
    {
        var table = new HostsTable();
        table.Apply(Event(ServiceEventDiff.Diff([], [Web(3, "203.0.113.10")], 3).Single()));
        using var status = JsonDocument.Parse("""
            {"ipam":{"allocationVersion":9,"services":[{"namespace":"infra","name":"dns","addresses":["203.0.113.17"],"pool":"p","error":null}]}}
            """);

        table.Resync(status.RootElement);
        var late = table.Apply(Event(ServiceEventDiff.Diff([Web(3, "203.0.113.10")], [Web(8, "203.0.113.14")], 8).Single()));

        Assert.Equal(Applied.Duplicate, late);
        Assert.Equal("203.0.113.17\tdns.infra\n", table.Render().Split('\n', 2)[1]);
    }
}
