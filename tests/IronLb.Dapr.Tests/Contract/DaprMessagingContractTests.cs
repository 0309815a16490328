using Dapr.Client;
using IronLb.Core.Messaging;
using IronLb.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>The messaging contract through Dapr: each member a real ASP.NET Core app behind its own local sidecar, one Redis.</summary>
[Trait("Category", "Sidecar")]
public sealed class DaprMessagingContractTests(DaprCluster cluster)
    : MessagingContract(cluster), IClassFixture<DaprCluster>;

/// <summary>
/// Workers share app-id "workers" and consumerID "{appID}", so they form one group; agents share
/// app-id "agent" with consumerID "{podName}", so each pod is its own group, as node agents are deployed.
/// </summary>
public sealed class DaprCluster : IMessagingCluster, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _resources = [];
    private readonly List<string> _directories = [];
    private DaprClient? _publisherClient;

    public IEventPublisher Publisher { get; private set; } = null!;

    public DeliveryLog Log { get; } = new();

    public async Task InitializeAsync()
    {
        var starting = new List<Task>();
        try
        {
            var redis = await RedisServer.StartAsync();
            Own(redis);
            var byAppId = Resources(redis, "{appID}");
            var byPod = Resources(redis, "{podName}");

            var publisher = SidecarProcess.StartAsync("contract-publisher", "contract-publisher-0", redis, byAppId);
            starting.Add(publisher);
            starting.AddRange(ClusterLayout.Members.Select(m => m.Group == ClusterLayout.Workers
                ? StartMemberAsync(redis, byAppId, ClusterLayout.Workers, m.Group, m.Member)
                : StartMemberAsync(redis, byPod, "agent", m.Group, m.Member)));
            var sidecar = await publisher;
            Own(sidecar);
            await Task.WhenAll(starting);

            _publisherClient = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).UseHttpEndpoint(sidecar.HttpEndpoint).Build();
            Publisher = new DaprEventPublisher(_publisherClient, Options.Create(new DaprMessagingOptions()));
        }
        catch
        {
            // Let every start finish or fail, so nothing it launched outlives the cleanup.
            await Task.WhenAll(starting.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

            await DisposeAsync();
            throw;
        }
    }

    // Members start concurrently, so ownership is recorded under a lock.
    private void Own(IAsyncDisposable resource)
    {
        lock (_resources)
        {
            _resources.Add(resource);
        }
    }

    public async Task DisposeAsync()
    {
        _publisherClient?.Dispose();
        _publisherClient = null;

        // Apps and sidecars first, Redis last.
        for (var i = _resources.Count - 1; i >= 0; i--)
        {
            await _resources[i].DisposeAsync();
        }

        _resources.Clear();
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }

        _directories.Clear();
    }

    private string Resources(RedisServer redis, string consumerId)
    {
        var directory = DaprResources.Write(redis, consumerId);
        _directories.Add(directory);
        return directory;
    }

    private async Task StartMemberAsync(RedisServer redis, string resourcesPath, string appId, string group, string member)
    {
        var (appPort, grpcPort, httpPort) = (LoopbackPorts.Next(), LoopbackPorts.Next(), LoopbackPorts.Next());
        var app = DaprMemberApp.Build(appPort, grpcPort, httpPort, services =>
        {
            services.AddSingleton(Log);
            services.AddSingleton(new MemberIdentity(group, member));
            foreach (var (topic, deadLetterTopic) in ClusterLayout.Subscriptions)
            {
                services.AddTopicSubscription<ScriptedHandler>(topic, deadLetterTopic);
            }
        });
        Own(app);

        // The app waits for its sidecar while the sidecar starts, as in a pod.
        var appStarted = app.StartAsync();
        var sidecar = await SidecarProcess.StartAsync(appId, member, redis, resourcesPath, appPort, grpcPort, httpPort);
        Own(sidecar);
        await appStarted;
        await sidecar.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
    }
}
