using System.Text.Json;
using System.Threading.Channels;
using IronLb.Core.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Events.Tests.Publishing;

public class CloudEventForwarderTests
{
    /// <summary>Fails the first <c>failures</c> publishes with the exception the Dapr SDK throws when the sidecar is away, then records.</summary>
    private sealed class FlakyTransport(int failures) : ICloudEventTransport
    {
        private int _left = failures;

        public Channel<(string PubSub, string Topic, string Id)> Published { get; } = Channel.CreateUnbounded<(string, string, string)>();

        public int Attempts { get; private set; }

        public Task PublishAsync(string pubSub, string topic, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken)
        {
            Attempts++;
            if (_left-- > 0)
            {
                throw new HttpRequestException("connection refused");
            }

            using var document = JsonDocument.Parse(cloudEvent);
            Published.Writer.TryWrite((pubSub, topic, document.RootElement.GetProperty("id").GetString()!));
            return Task.CompletedTask;
        }
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings, TimeProvider time, ICloudEventTransport? transport)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(time);
        if (transport is not null)
        {
            services.AddSingleton(transport);
        }

        services.AddIntegrationEvents(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Forwarder_SidecarAwayForTwoAttempts_PublishesEveryEventInOrderToTheNamedComponentAndTopic()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));
        var transport = new FlakyTransport(failures: 2);
        await using var provider = Provider(new() { ["Events:PubSub"] = "ironlb-events", ["Node:Name"] = "node-a" }, time, transport);
        var events = provider.GetRequiredService<IntegrationEvents>();
        events.Emit("ipam", ServiceEventDiff.Diff([], [new ServiceAddressState("shop", "web", "p", ["192.0.2.10"], null, 1), new ServiceAddressState("shop", "api", "p", ["192.0.2.11"], null, 1)], 1));
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<(string, string, string)>();
        while (received.Count < 2)
        {
            // Each retry waits on the fake clock: advance it until both events are through, bounded by the deadline.
            if (transport.Published.Reader.TryRead(out var one))
            {
                received.Add(one);
                continue;
            }

            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, deadline.Token);
        }

        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Equal([("ironlb-events", "ironlb.events.v1", "services/shop/api@1"), ("ironlb-events", "ironlb.events.v1", "services/shop/web@1")], received);
        Assert.Equal(4, transport.Attempts);
        Assert.Equal("/ironlb/ipam/node-a", events.SourceOf("ipam"));
    }

    [Fact]
    public async Task AddIntegrationEvents_PubSubNamedWithoutASidecar_RefusesToStart()
    {
        await using var provider = Provider(new() { ["Events:PubSub"] = "ironlb-events" }, TimeProvider.System, transport: null);

        Assert.Throws<InvalidOperationException>(() => provider.GetServices<IHostedService>().ToList());
    }

    [Theory]
    [InlineData("Events:Topic", "")]
    [InlineData("Events:BufferSize", "3")]
    [InlineData("Events:RetryDelay", "00:00:00")]
    [InlineData("Events:Instance", "a/b")]
    public async Task AddIntegrationEvents_InvalidOption_FailsValidation(string key, string value)
    {
        await using var provider = Provider(new() { [key] = value }, TimeProvider.System, transport: null);

        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<EventsOptions>>().Value);
    }
}
