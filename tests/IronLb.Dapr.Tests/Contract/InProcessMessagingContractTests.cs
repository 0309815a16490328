using IronLb.Core.Messaging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>The messaging contract against the in-process broker.</summary>
public sealed class InProcessMessagingContractTests(InProcessCluster cluster)
    : MessagingContract(cluster), IClassFixture<InProcessCluster>;

/// <summary>One broker; each member subscribes to every contract topic in its group.</summary>
public sealed class InProcessCluster : IMessagingCluster, IAsyncLifetime
{
    // Consumers first, the broker last: disposed in reverse order of creation.
    private readonly List<IAsyncDisposable> _owned = [];

    public IEventPublisher Publisher { get; private set; } = null!;

    public DeliveryLog Log { get; } = new();

    public Task InitializeAsync()
    {
        // The same bounded attempts the sidecar's resiliency policy gives, so both transports meet one contract.
        var options = Options.Create(new InProcessMessagingOptions
        {
            AppId = "contract-publisher",
            MaxDeliveryAttempts = DaprResources.DeliveryAttempts,
            InitialRetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
        });
        var broker = new InProcessBroker(options, TimeProvider.System, NullLogger<InProcessBroker>.Instance);
        _owned.Add(broker);
        foreach (var (group, member) in ClusterLayout.Members)
        {
            var handler = new ScriptedHandler(Log, new MemberIdentity(group, member));
            foreach (var (topic, deadLetterTopic) in ClusterLayout.Subscriptions)
            {
                _owned.Add(broker.Subscribe(topic, group, handler, deadLetterTopic));
            }
        }

        Publisher = new InProcessEventPublisher(broker, options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        _owned.Clear();
    }
}
