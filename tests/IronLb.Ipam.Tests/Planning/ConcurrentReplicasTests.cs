using IronLb.Ipam.Planning;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace IronLb.Ipam.Tests.Planning;

public class ConcurrentReplicasTests(ITestOutputHelper output)
{
    private const int Replicas = 4;

    [Fact]
    public async Task ReconcileAsync_FourReplicasThousandServicesCreatedAndDeleted_NoDuplicatesNoLosses()
    {
        await using var state = await StateFixture.StartAsync();
        var store = new RecordingStateStore(state.Store);
        var timeline = ServiceChurn.Timeline();
        var options = Options.Create(new AllocationOptions { MaxWriteAttempts = 10_000 });
        var replicas = Enumerable.Range(0, Replicas)
            .Select(_ => new IpamReconciler(store, state.Publisher, state.Events, options, NullLogger<IpamReconciler>.Instance)).ToArray();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var (lostRaces, settled) = await ReplicaRace.RunAsync(replicas, timeline, deadline.Token);

        var documents = ReplicaRace.History(store.WrittenAllocationDocuments);
        output.WriteLine($"{documents.Count} allocation versions written over {timeline.Count} configuration versions; {lostRaces} compare-and-swap rounds lost and retried");
        await ReplicaRace.AssertConsistentAsync(documents, timeline, settled, state.Store);
        Assert.True(documents.Count >= timeline.Count / 2);
    }
}
