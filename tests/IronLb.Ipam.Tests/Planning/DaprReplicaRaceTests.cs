using IronLb.Core.Events;
using System.Collections.Concurrent;
using System.Diagnostics;
using Dapr.Client;
using IronLb.Dapr;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;
using IronLb.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>
/// The replica race on the store as production runs it: three ipam replicas, each with its own sidecar process (the
/// local sidecar, faithful to daprd + state.redis, or daprd itself when on the PATH) on one real Redis, starting from an
/// empty store, while 1,000 Services are created and 750 deleted; beside them two election replicas and the layer2
/// agents of two nodes run as their own processes, electing owners from the intents as they change. Ten runs in a row.
/// </summary>
[Trait("Category", "Sidecar")]
public sealed class DaprReplicaRaceTests(ITestOutputHelper output)
{
    private const int Replicas = 3;
    private const int ElectionReplicas = 2;
    private const int Runs = 10;
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ReconcileAsync_ThreeIpamTwoElectionReplicasThroughSidecarsAndRedisTenRuns_NoDuplicatesNoLossesIntentsAndOwnersConsistent()
    {
        var timeline = ServiceChurn.Timeline();
        var expected = new ExpectedCluster(
            timeline[^1].Services.Select(s => s.Namespace + "/" + s.Name).ToHashSet(StringComparer.Ordinal),
            a => ServiceChurn.SharedPool.Spec.Addresses.Any(r => AddressRange.Parse(r).Contains(IpAddressValue.Parse(a))));
        for (var run = 1; run <= Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            await using var redis = await RedisServer.StartAsync();
            var resources = RepositoryComponents.CopyFor(redis);
            var sidecars = new List<SidecarProcess>();
            var clients = new List<DaprClient>();
            var apps = new List<DaprAppProcess>();
            try
            {
                var starting = StartElectionAndAgentsAsync(redis, resources);
                sidecars.AddRange(await Task.WhenAll(Enumerable.Range(0, Replicas).Select(i => SidecarProcess.StartAsync("ipam", $"ipam-{i}", redis, resources))));
                apps.AddRange(await starting);
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
                var raced = clock.Elapsed;

                var documents = ReplicaRace.History(written);
                var store = new DaprStateStore(clients[0], dapr);
                await ReplicaRace.AssertConsistentAsync(documents, timeline, settled, store);
                var report = await WaitForConsistencyAsync(new StateConsistency(store), expected, apps);
                output.WriteLine($"run {run}: {documents.Count} allocation versions over {timeline.Count} configuration versions, {lostRaces} compare-and-swap rounds lost and retried, raced in {raced.TotalSeconds:F1} s, owners and agents agreed {(clock.Elapsed - raced).TotalSeconds:F1} s later");
                Assert.True(report.Consistent, $"run {run}: {report}\n{string.Join('\n', apps.Select(a => a.Output))}");
                Assert.Equal(0, report.Duplicates);
                Assert.Equal(0, report.Lost);
            }
            finally
            {
                foreach (var client in clients)
                {
                    client.Dispose();
                }

                await Task.WhenAll(apps.Select(a => a.DisposeAsync().AsTask()).Concat(sidecars.Select(s => s.DisposeAsync().AsTask())));

                Directory.Delete(resources, recursive: true);
            }
        }
    }

    // Timings ten times the defaults: on a loaded 2-CPU machine a late heartbeat must not look like a dead node, which
    // would move owners around for reasons that have nothing to do with the race.
    private static async Task<List<DaprAppProcess>> StartElectionAndAgentsAsync(RedisServer redis, string resources)
    {
        var settings = FailoverLab.ScaledTimings(10);
        var starts = Enumerable.Range(1, ElectionReplicas).Select(i => DaprAppProcess.StartAsync(
                "election", "services/election", "IronLb.Election", redis, resources,
                new Dictionary<string, string>(settings) { ["Election__ReplicaId"] = $"election-{i}" }, podName: $"election-{i}"))
            .Concat(ServiceChurn.Nodes.Select(node => DaprAppProcess.StartAsync(
                "layer2", "services/layer2", "IronLb.Layer2", redis, resources,
                new Dictionary<string, string>(settings) { ["Node__Name"] = node, ["Dapr__PubSubName"] = "pubsub-node", ["Layer2__Announce"] = "false" },
                podName: node)))
            .ToList();
        try
        {
            return [.. await Task.WhenAll(starts)];
        }
        catch
        {
            await Task.WhenAll(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result.DisposeAsync().AsTask()));
            throw;
        }
    }

    // The owners follow the intents a doorbell or a resync later; polled (bounded) until the store and every layer2 agent agree.
    private static async Task<ConsistencyReport> WaitForConsistencyAsync(StateConsistency consistency, ExpectedCluster expected, List<DaprAppProcess> apps)
    {
        var agents = apps.Where(a => a.AppId == "layer2").ToList();
        var clock = Stopwatch.StartNew();
        ConsistencyReport report;
        do
        {
            var views = new List<AgentView>();
            for (var i = 0; i < agents.Count; i++)
            {
                views.AddRange(StateConsistency.AgentViews(ServiceChurn.Nodes[i], await agents[i].Status.GetAsync()));
            }

            report = await consistency.CheckAsync(expected, views);
            if (report.Consistent)
            {
                return report;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        while (clock.Elapsed < Convergence);

        return report;
    }
}
