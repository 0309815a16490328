using System.Text.Json;
using IronLb.Core.Configuration;
using IronLb.Core.Events;
using IronLb.Core.State;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;
using IronLb.Ipam.Tests.Planning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Events;

/// <summary>ipam's public events: one per Service change, emitted after the allocation write, identified by subject and version.</summary>
public class AllocationEventTests
{
    private static ClusterConfiguration Config(IpAddressPool[] pools, params Service[] services) => new()
    {
        IpAddressPools = ValueList.Create(pools),
        Services = ValueList.Create(services),
    };

    private static List<JsonElement> Drain(EventFeed.Subscription subscription)
    {
        var events = new List<JsonElement>();
        while (subscription.Reader.TryRead(out var streamed))
        {
            events.Add(JsonDocument.Parse(streamed.CloudEvent).RootElement.Clone());
        }

        return events;
    }

    private static (string Type, string Subject, long Version, long Previous) Head(JsonElement e) =>
        (e.GetProperty("type").GetString()!, e.GetProperty("subject").GetString()!, e.GetProperty("data").GetProperty("version").GetInt64(),
            e.GetProperty("data").GetProperty("previousVersion").GetInt64());

    [Fact]
    public async Task ReconcileAsync_ServiceCreatedChangedFailedAndDeleted_OneEventPerChangeChainedByVersion()
    {
        await using var state = await StateFixture.StartAsync();
        using var events = state.Feed.Subscribe(replay: true);
        var pools = new[] { Pool("a", ["192.0.2.10/31"]), Pool("b", ["198.51.100.20/32"]) };
        var replica = state.Replica();

        await replica.ReconcileAsync(Config(pools, LoadBalancer("shop", "web")), 1);
        var assigned = Assert.Single(Drain(events));
        Assert.Equal((EventTypes.AddressesAssigned, "services/shop/web", 1L, 0L), Head(assigned));
        Assert.Equal("services/shop/web@1", assigned.GetProperty("id").GetString());
        Assert.Equal(["192.0.2.10"], assigned.GetProperty("data").GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["IPv4"], assigned.GetProperty("data").GetProperty("families").EnumerateArray().Select(a => a.GetString()));

        // The same configuration again (a replayed doorbell, the resync tick): nothing stored, nothing emitted.
        await replica.ReconcileAsync(Config(pools, LoadBalancer("shop", "web")), 1);
        Assert.Empty(Drain(events));

        await replica.ReconcileAsync(Config(pools, LoadBalancer("shop", "web", loadBalancerIp: "198.51.100.20")), 2);
        var changed = Assert.Single(Drain(events));
        Assert.Equal((EventTypes.AddressesChanged, "services/shop/web", 2L, 1L), Head(changed));
        Assert.Equal("b", changed.GetProperty("data").GetProperty("pool").GetString());
        Assert.Equal(["192.0.2.10"], changed.GetProperty("data").GetProperty("previousAddresses").EnumerateArray().Select(a => a.GetString()));

        await replica.ReconcileAsync(Config(pools, LoadBalancer("shop", "web", loadBalancerIp: "203.0.113.99")), 3);
        var failed = Assert.Single(Drain(events));
        Assert.Equal((EventTypes.AllocationFailed, "services/shop/web", 3L, 2L), Head(failed));
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("data").GetProperty("reason").GetString()));

        // Still failing for the same reason under a new configuration version: no new event.
        await replica.ReconcileAsync(Config(pools, LoadBalancer("shop", "web", loadBalancerIp: "203.0.113.99"), LoadBalancer("shop", "api")), 4);
        Assert.Equal([(EventTypes.AddressesAssigned, "services/shop/api", 4L, 0L)], Drain(events).Select(Head));

        await replica.ReconcileAsync(Config(pools), 5);
        Assert.Equal(
            [(EventTypes.AddressesReleased, "services/shop/api", 5L, 4L), (EventTypes.AddressesReleased, "services/shop/web", 5L, 3L)],
            Drain(events).Select(Head));
    }

    [Fact]
    public async Task ReconcileAsync_PortsChangeButNotAddresses_NoEventAndVersionChainUnbroken()
    {
        await using var state = await StateFixture.StartAsync();
        using var events = state.Feed.Subscribe(replay: true);
        var pools = new[] { Pool("a", ["192.0.2.10/31"]) };
        var replica = state.Replica();
        await replica.ReconcileAsync(Config(pools, LoadBalancer("shop", "web")), 1);
        Drain(events);

        await replica.ReconcileAsync(Config(pools, LoadBalancer("shop", "web", ports: [("TCP", 8080)])), 2);
        Assert.Empty(Drain(events));
        await replica.ReconcileAsync(Config(pools), 3);

        Assert.Equal([(EventTypes.AddressesReleased, "services/shop/web", 3L, 1L)], Drain(events).Select(Head));
    }

    [Fact]
    public async Task ReconcileAsync_FourReplicasRacingThroughServiceChurn_EventsFormOneGaplessChainPerServiceEndingAtTheStoredState()
    {
        await using var state = await StateFixture.StartAsync();
        using var events = state.Feed.Subscribe(replay: true);
        var options = Options.Create(new AllocationOptions { MaxWriteAttempts = 10_000 });
        var replicas = Enumerable.Range(0, 4).Select(_ => new IpamReconciler(state.Store, state.Publisher, state.Events, options, NullLogger<IpamReconciler>.Instance)).ToArray();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        await ReplicaRace.RunAsync(replicas, ServiceChurn.Timeline(), deadline.Token);

        var all = Drain(events);
        Assert.Equal(all.Count, all.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        var stored = (await state.Store.GetJsonAsync<AllocationDocument>(AllocationDocument.StateKey)).Value!;
        var held = stored.Allocations.ToDictionary(a => EventSubjects.Service(a.Namespace, a.Name));
        foreach (var subject in all.GroupBy(e => e.GetProperty("subject").GetString()!))
        {
            // Sorted by version, each event names the one before it (0 after a release): nothing missing, nothing twice.
            var chain = subject.OrderBy(e => Head(e).Version).ToList();
            long last = 0;
            foreach (var e in chain)
            {
                Assert.Equal(last, Head(e).Previous);
                last = Head(e).Type == EventTypes.AddressesReleased ? 0 : Head(e).Version;
            }

            var final = chain[^1];
            if (held.Remove(subject.Key, out var allocation))
            {
                Assert.Contains(Head(final).Type, new[] { EventTypes.AddressesAssigned, EventTypes.AddressesChanged });
                Assert.Equal(allocation.Addresses, final.GetProperty("data").GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!));
                Assert.Equal(allocation.Since, Head(final).Version);
            }
            else
            {
                Assert.Equal(EventTypes.AddressesReleased, Head(final).Type);
            }
        }

        Assert.Empty(held);
    }
}
