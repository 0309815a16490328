using System.Text;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IronLb.Core.Tests.Messaging;

public sealed class InProcessSubscriptionServiceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-inprocess-host-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task StartAsync_TwoServicesSubscribedToOneTopic_EachSeesEveryEvent()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddInProcessMessaging(_directory);
        builder.Services.AddTopicSubscription<IpamHandler>("intents-changed");
        builder.Services.AddTopicSubscription<ElectionHandler>("intents-changed");
        using var host = builder.Build();
        await host.StartAsync();

        var publisher = host.Services.GetRequiredService<IEventPublisher>();
        await publisher.PublishAsync("intents-changed", Encoding.UTF8.GetBytes("""{"version":7}"""));

        var ipam = await host.Services.GetRequiredService<IpamHandler>().Received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var election = await host.Services.GetRequiredService<ElectionHandler>().Received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ipam.Id, election.Id);
        Assert.Equal("""{"version":7}""", Encoding.UTF8.GetString(ipam.Data.Span));
        Assert.Equal("ironlb", ipam.Source);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddInProcessMessaging_StateStore_SurvivesHostRestart()
    {
        for (var run = 1; run <= 2; run++)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddInProcessMessaging(_directory);
            using var host = builder.Build();
            var store = host.Services.GetRequiredService<IStateStore>();

            var written = await store.UpdateJsonAsync<int>("runs", n => n + 1);

            Assert.Equal(run, written);
        }
    }

    [Fact]
    public async Task AddInProcessMessaging_PlainServiceProviderDisposed_ReleasesDirectoryLock()
    {
        var services = new ServiceCollection().AddInProcessMessaging(_directory);
        using (var provider = services.BuildServiceProvider())
        {
            Assert.True(await provider.GetRequiredService<IStateStore>().TrySaveAsync("k", "{}"u8.ToArray(), etag: ""));
            await provider.GetRequiredService<IEventPublisher>().PublishAsync("t", "{}"u8.ToArray());
        }

        using var reopened = services.BuildServiceProvider();
        Assert.True((await reopened.GetRequiredService<IStateStore>().GetAsync("k")).Exists);
    }

    [Fact]
    public async Task StartAsync_InvalidOptions_FailsAtStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddInProcessMessaging(_directory, o => o.MaxDeliveryAttempts = 0);
        using var host = builder.Build();

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    private sealed class IpamHandler : ITopicHandler
    {
        public TaskCompletionSource<EventEnvelope> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
        {
            Received.TrySetResult(envelope);
            return Task.FromResult(DeliveryResult.Success);
        }
    }

    private sealed class ElectionHandler : ITopicHandler
    {
        public TaskCompletionSource<EventEnvelope> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
        {
            Received.TrySetResult(envelope);
            return Task.FromResult(DeliveryResult.Success);
        }
    }
}
