using IronLb.Core.Configuration;
using IronLb.Core.State;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using static IronLb.Ipam.Tests.TestServices;

namespace IronLb.Ipam.Tests.Planning;

public class ConcurrentReplicasTests(ITestOutputHelper output)
{
    private const int Replicas = 4;
    private const int ServiceCount = 1000;
    private const int BatchSize = 50;

    private static readonly IpAddressPool SharedPool = Pool("shared", ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/64"]);

    /// <summary>
    /// The cluster over time: every step creates 50 Services (alternately IPv4 and IPv6) and, from the fifth
    /// step on, deletes 50 created earlier, until 1,000 were created and 750 deleted.
    /// </summary>
    private static List<ClusterConfiguration> Timeline()
    {
        var all = Enumerable.Range(0, ServiceCount)
            .Select(i => LoadBalancer($"ns{i % 7}", $"svc{i:D4}", families: [i % 2 == 0 ? "IPv4" : "IPv6"]))
            .ToArray();
        var alive = new List<Service>();
        var deletionOrder = new Queue<Service>(all.Where((_, i) => i % 4 != 3));
        var timeline = new List<ClusterConfiguration>();
        for (var step = 0; step * BatchSize < ServiceCount || deletionOrder.Count > 0; step++)
        {
            alive.AddRange(all.Skip(step * BatchSize).Take(BatchSize));
            for (var d = 0; step >= 4 && d < BatchSize && deletionOrder.Count > 0 && alive.Contains(deletionOrder.Peek()); d++)
            {
                alive.Remove(deletionOrder.Dequeue());
            }

            timeline.Add(new ClusterConfiguration { IpAddressPools = ValueList.Create([SharedPool]), Services = ValueList.Create([.. alive]) });
        }

        return timeline;
    }

    [Fact]
    public async Task ReconcileAsync_FourReplicasThousandServicesCreatedAndDeleted_NoDuplicatesNoLosses()
    {
        await using var state = await StateFixture.StartAsync();
        var store = new RecordingStateStore(state.Store);
        var timeline = Timeline();
        var options = Options.Create(new AllocationOptions { MaxWriteAttempts = 10_000 });
        var replicas = Enumerable.Range(0, Replicas)
            .Select(_ => new IpamReconciler(store, state.Publisher, options, NullLogger<IpamReconciler>.Instance)).ToArray();

        // The configuration version advances each time some replica finishes a reconcile at the current one,
        // so replicas keep working on mixed old and new versions at once, without any timing assumption.
        var current = 0;
        var lostRaces = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var workers = replicas.Select(replica => Task.Run(async () =>
        {
            for (var round = 0; round < 100_000; round++)
            {
                var version = Volatile.Read(ref current);
                var result = await replica.ReconcileAsync(timeline[version], version + 1, deadline.Token);
                Interlocked.Add(ref lostRaces, result.Attempts - 1);
                if (version == timeline.Count - 1)
                {
                    return;
                }

                Interlocked.CompareExchange(ref current, version + 1, version);
            }
        }, deadline.Token)).ToArray();
        await Task.WhenAll(workers);

        var final = timeline[^1];
        var settled = await replicas[0].ReconcileAsync(final, timeline.Count, deadline.Token);

        var documents = store.WrittenAllocationDocuments
            .Select(bytes => System.Text.Json.JsonSerializer.Deserialize<AllocationDocument>(bytes, StateStoreJsonExtensions.DefaultOptions)!)
            .OrderBy(d => d.Version).ToList();

        output.WriteLine($"{documents.Count} allocation versions written over {timeline.Count} configuration versions; {lostRaces} compare-and-swap rounds lost and retried");

        // Every compare-and-swap won exactly once per version: no write was lost or overwritten.
        Assert.Equal(Enumerable.Range(1, documents.Count).Select(v => (long)v), documents.Select(d => d.Version));

        foreach (var document in documents)
        {
            var addresses = document.Allocations.SelectMany(a => a.Addresses).ToList();
            Assert.Equal(addresses.Count, addresses.Distinct(StringComparer.Ordinal).Count());
            Assert.All(addresses, a => Assert.Contains(SharedPool.Spec.Addresses, r => AddressRange.Parse(r).Contains(IpAddressValue.Parse(a))));
        }

        // No Service that still exists ever loses or changes its address from one stored version to the next.
        for (var i = 1; i < documents.Count; i++)
        {
            var before = documents[i - 1].Allocations.ToDictionary(a => (a.Namespace, a.Name));
            var existing = timeline[(int)documents[i].ConfigVersion - 1].Services.Select(s => (s.Namespace, s.Name)).ToHashSet();
            var after = documents[i].Allocations.ToDictionary(a => (a.Namespace, a.Name));
            foreach (var (key, allocation) in before.Where(b => existing.Contains(b.Key)))
            {
                Assert.True(after.TryGetValue(key, out var kept), $"{key} lost its allocation at version {documents[i].Version}");
                Assert.Equal(allocation.Addresses, kept!.Addresses);
            }
        }

        var last = documents[^1];
        Assert.Equal(ServiceCount / 4, final.Services.Count);
        Assert.Equal(final.Services.Select(s => (s.Namespace, s.Name)).Order(), last.Allocations.Select(a => (a.Namespace, a.Name)).Order());
        Assert.All(settled.Plans, p => Assert.Null(p.Error));
        Assert.False(settled.Written);

        // The intents were written after the allocations and from them: they end derived from the last version, and agree.
        var intents = await store.GetJsonAsync<IronLb.Core.Contracts.IntentSet>(IronLb.Core.Contracts.StateKeys.Intents);
        Assert.Equal(last.Version, intents.Value!.AllocationVersion);
        Assert.Equal(
            last.Allocations.Select(a => (a.Namespace, a.Name, string.Join(',', a.Addresses))).Order(),
            intents.Value.Intents.Select(i => (i.Namespace, i.Name, string.Join(',', i.Addresses))).Order());
        Assert.True(documents.Count >= timeline.Count / 2);
    }
}
