using IronLb.Core.Events;
using System.Collections.Concurrent;
using System.Diagnostics;
using Dapr.Client;
using IronLb.Dapr;
using IronLb.Ipam.Planning;
using IronLb.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>
/// The replica race on the store as production runs it: three ipam replicas, each with its own sidecar process (the
/// local sidecar, faithful to daprd + state.redis, or daprd itself when on the PATH) on one real Redis, starting from an
/// empty store, while 1,000 Services are created and 750 deleted. Ten runs in a row.
/// </summary>
[Trait("Category", "Sidecar")]
public sealed class DaprReplicaRaceTests(ITestOutputHelper output)
{
    private const int Replicas = 3;
    private const int Runs = 10;

    [Fact]
    public async Task ReconcileAsync_ThreeReplicasThroughSidecarsAndRedisTenRuns_NoDuplicatesNoLossesIntentsConsistent()
    {
        var timeline = ServiceChurn.Timeline();
        for (var run = 1; run <= Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            await using var redis = await RedisServer.StartAsync();
            var resources = RepositoryComponents.CopyFor(redis);
            var sidecars = new List<SidecarProcess>();
            var clients = new List<DaprClient>();
            try
            {
                sidecars.AddRange(await Task.WhenAll(Enumerable.Range(0, Replicas).Select(i => SidecarProcess.StartAsync("ipam", $"ipam-{i}", redis, resources))));
                clients.AddRange(sidecars.Select(s => new DaprClientBuilder().UseGrpcEndpoint(s.GrpcEndpoint).UseHttpEndpoint(s.HttpEndpoint).Build()));
                var written = new ConcurrentBag<byte[]>();
                var dapr = Options.Create(new DaprMessagingOptions());
                var allocation = Options.Create(new AllocationOptions { MaxWriteAttempts = 10_000 });
                var replicas = clients.Select(client => new IpamReconciler(
                    new RecordingStateStore(new DaprStateStore(client, dapr), written),
                    new DaprEventPublisher(client, dapr),
                    new IntegrationEvents(new EventFeed(16), Options.Create(new EventsOptions()), TimeProvider.System),
                    allocation,
                    NullLogger<IpamReconciler>.Instance)).ToArray();
                using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));

                var (lostRaces, settled) = await ReplicaRace.RunAsync(replicas, timeline, deadline.Token);

                var documents = ReplicaRace.History(written);
                output.WriteLine($"run {run}: {documents.Count} allocation versions over {timeline.Count} configuration versions, {lostRaces} compare-and-swap rounds lost and retried, {clock.Elapsed.TotalSeconds:F1} s");
                await ReplicaRace.AssertConsistentAsync(documents, timeline, settled, new DaprStateStore(clients[0], dapr));
            }
            finally
            {
                foreach (var client in clients)
                {
                    client.Dispose();
                }

                await Task.WhenAll(sidecars.Select(s => s.DisposeAsync().AsTask()));

                Directory.Delete(resources, recursive: true);
            }
        }
    }
}
