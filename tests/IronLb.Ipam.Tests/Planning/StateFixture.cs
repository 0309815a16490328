using System.Threading.Channels;
using IronLb.Core.Events;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using IronLb.Ipam.Planning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>
/// The single-process state store (files in a fresh temporary directory) and in-process bus, wired the way
/// the host wires them, with a subscriber that records every "intents changed" event.
/// </summary>
internal sealed class StateFixture : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;

    private StateFixture(string directory, ServiceProvider provider, IHostedService[] hosted)
    {
        Directory = directory;
        _provider = provider;
        _hosted = hosted;
    }

    public string Directory { get; }

    public IStateStore Store => _provider.GetRequiredService<IStateStore>();

    public IEventPublisher Publisher => _provider.GetRequiredService<IEventPublisher>();

    /// <summary>Every public event the replicas emitted, in order.</summary>
    public EventFeed Feed { get; } = new(100_000);

    /// <summary>The public event sink the replicas share (one process's, as in `ironlb run`).</summary>
    public IntegrationEvents Events => new(Feed, Options.Create(new EventsOptions { Instance = "test" }), TimeProvider.System);

    public ChannelReader<EventEnvelope> IntentsEvents => _provider.GetRequiredService<RecordingHandler>().Events;

    public static async Task<StateFixture> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ironlb-ipam-tests-" + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection().AddLogging();
        services.AddInProcessMessaging(directory);
        services.AddTopicSubscription<RecordingHandler>(Core.Contracts.Topics.IntentsChanged);
        var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return new StateFixture(directory, provider, hosted);
    }

    public IpamReconciler Replica(string? loadBalancerClass = null) =>
        new(Store, Publisher, Events, Options.Create(new AllocationOptions { LoadBalancerClass = loadBalancerClass, MaxWriteAttempts = 1000 }), NullLogger<IpamReconciler>.Instance);

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }

    /// <summary>Records deliveries so a test can await the event a write should have rung.</summary>
    internal sealed class RecordingHandler : ITopicHandler
    {
        private readonly Channel<EventEnvelope> _events = Channel.CreateUnbounded<EventEnvelope>();

        public ChannelReader<EventEnvelope> Events => _events.Reader;

        public Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
        {
            _events.Writer.TryWrite(envelope);
            return Task.FromResult(DeliveryResult.Success);
        }
    }
}
