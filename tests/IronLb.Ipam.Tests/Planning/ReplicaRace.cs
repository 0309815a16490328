using System.Collections.Concurrent;
using System.Text.Json;
using IronLb.Core.Configuration;
using IronLb.Core.Contracts;
using IronLb.Core.State;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>Drives several ipam replicas through <see cref="ServiceChurn"/> at once and checks what they stored.</summary>
internal static class ReplicaRace
{
    /// <summary>
    /// The configuration version advances each time some replica finishes a reconcile at the current one, so replicas
    /// keep working on mixed old and new versions at once, without any timing assumption. Ends with one settling reconcile.
    /// </summary>
    /// <returns>The compare-and-swap rounds lost and retried, and the settling reconcile's result.</returns>
    public static async Task<(int LostRaces, ReconcileResult Settled)> RunAsync(
        IReadOnlyList<IpamReconciler> replicas, IReadOnlyList<ClusterConfiguration> timeline, CancellationToken cancellationToken)
    {
        var current = 0;
        var lostRaces = 0;
        var workers = replicas.Select(replica => Task.Run(async () =>
        {
            for (var round = 0; round < 100_000; round++)
            {
                var version = Volatile.Read(ref current);
                var result = await replica.ReconcileAsync(timeline[version], version + 1, cancellationToken);
                Interlocked.Add(ref lostRaces, result.Attempts - 1);
                if (version == timeline.Count - 1)
                {
                    return;
                }

                Interlocked.CompareExchange(ref current, version + 1, version);
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);

        var settled = await replicas[0].ReconcileAsync(timeline[^1], timeline.Count, cancellationToken);
        return (lostRaces, settled);
    }

    /// <summary>Every stored allocation version, in order, from the documents successful writes stored.</summary>
    public static List<AllocationDocument> History(ConcurrentBag<byte[]> written) =>
        written.Select(bytes => JsonSerializer.Deserialize<AllocationDocument>(bytes, StateStoreJsonExtensions.DefaultOptions)!).OrderBy(d => d.Version).ToList();

    /// <summary>No write lost or overwritten, no address held twice, no living Service losing its address, intents agreeing at the end.</summary>
    public static async Task AssertConsistentAsync(
        List<AllocationDocument> documents, IReadOnlyList<ClusterConfiguration> timeline, ReconcileResult settled, IStateStore store)
    {
        // Every compare-and-swap won exactly once per version: no write was lost or overwritten.
        Assert.Equal(Enumerable.Range(1, documents.Count).Select(v => (long)v), documents.Select(d => d.Version));

        foreach (var document in documents)
        {
            var addresses = document.Allocations.SelectMany(a => a.Addresses).ToList();
            Assert.Equal(addresses.Count, addresses.Distinct(StringComparer.Ordinal).Count());
            Assert.All(addresses, a => Assert.Contains(ServiceChurn.SharedPool.Spec.Addresses, r => AddressRange.Parse(r).Contains(IpAddressValue.Parse(a))));
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

        var final = timeline[^1];
        var last = documents[^1];
        Assert.Equal(ServiceChurn.ServiceCount / 4, final.Services.Count);
        Assert.Equal(final.Services.Select(s => (s.Namespace, s.Name)).Order(), last.Allocations.Select(a => (a.Namespace, a.Name)).Order());
        Assert.All(settled.Plans, p => Assert.Null(p.Error));
        Assert.False(settled.Written);

        // The intents were written after the allocations and from them: they end derived from the last version, and agree.
        var stored = await store.GetJsonAsync<AllocationDocument>(AllocationDocument.StateKey);
        Assert.Equal(last.Version, stored.Value!.Version);
        var intents = await StoredIntentShards.ReadAllAsync(store);
        Assert.Equal(last.Version, intents.AllocationVersion);
        Assert.Equal(
            last.Allocations.Select(a => (a.Namespace, a.Name, string.Join(',', a.Addresses))).Order(),
            intents.Intents.Select(i => (i.Namespace, i.Name, string.Join(',', i.Addresses))).Order());
    }
}
