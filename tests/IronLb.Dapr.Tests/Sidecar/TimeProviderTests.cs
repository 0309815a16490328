using System.Net;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using IronLb.LocalSidecar.Components;
using IronLb.LocalSidecar.Hosting;
using IronLb.LocalSidecar.PubSub;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Dapr.Tests.Sidecar;

/// <summary>The sidecar's timers run on the injected TimeProvider: hour-long policies complete in fake time.</summary>
[Collection(SharedRedis.Name)]
public sealed class TimeProviderTests(RedisServer redis)
{
    private static readonly TimeSpan RealTimeout = TimeSpan.FromSeconds(20);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Delivery_HourLongConstantRetryPolicy_RetriesOnlyAsFakeTimeAdvances()
    {
        var topic = "hour-" + _suffix;
        var deadLetter = topic + "-dlq";
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic, deadLetter), new TopicSpec(deadLetter));
        app.Responder = (t, _) => t == topic ? Results.Ok(new { status = "RETRY" }) : Results.Ok();
        using var components = ComponentFiles.Standard(redis.Host).Write("resiliency.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: slow
            spec:
              policies:
                retries:
                  hourly:
                    policy: constant
                    duration: 1h
                    maxRetries: 2
              targets:
                components:
                  pubsub:
                    inbound:
                      retry: hourly
            """);
        await using var sidecar = await RunningSidecar.StartAsync(
            new SidecarOptions { AppId = "hour-" + _suffix, AppPort = app.Port, ResourcesPath = components.Directory }, time: time);
        Assert.True(await sidecar.WaitForHealthyAsync(RealTimeout));
        var start = time.GetUtcNow();

        await sidecar.Client.PublishEventAsync("pubsub", topic, new { n = 1 });
        var firstAt = await AdvanceUntilAsync(time, app, d => d.Any(x => x.Topic == topic), TimeSpan.FromMilliseconds(50));
        var deadAt = await AdvanceUntilAsync(time, app, d => d.Any(x => x.Topic == deadLetter), TimeSpan.FromMinutes(10));

        Assert.NotNull(firstAt);
        Assert.NotNull(deadAt);
        Assert.True(firstAt - start < TimeSpan.FromHours(1));
        Assert.True(deadAt - firstAt >= TimeSpan.FromHours(2), $"dead-lettered {deadAt - firstAt} after the first delivery");
        Assert.Equal(3, app.Deliveries.Count(d => d.Topic == topic));
    }

    [Fact]
    public async Task Delivery_FakeTimeNeverAdvanced_LocalPublishWakesConsumer()
    {
        var topic = "wake-" + _suffix;
        var time = new FakeTimeProvider();
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        using var components = ComponentFiles.Standard(redis.Host);
        await using var sidecar = await RunningSidecar.StartAsync(
            new SidecarOptions { AppId = "wake-" + _suffix, AppPort = app.Port, ResourcesPath = components.Directory }, time: time);
        Assert.True(await sidecar.WaitForHealthyAsync(RealTimeout));

        await sidecar.Client.PublishEventAsync("pubsub", topic, new { n = 1 });

        // The poll timer runs on fake time and never fires: only the wake-up can have delivered it.
        Assert.True(await app.WaitForAsync(d => d.Count >= 1, RealTimeout));
    }

    [Fact]
    public async Task SubscriptionHost_AppNeverAnswers_GivesUpAfterAppStartTimeoutInFakeTime()
    {
        var time = new FakeTimeProvider();
        var options = new SidecarOptions
        {
            AppId = "never",
            AppPort = IronLb.Testing.LoopbackPorts.Next(),
            AppProbeInterval = TimeSpan.FromSeconds(1),
            AppStartTimeout = TimeSpan.FromMinutes(1),
            AppCallTimeout = TimeSpan.FromSeconds(5),
        };
        using var http = new HttpClient();
        var state = new AppChannelState();
        await using var connections = new RedisConnections();
        var host = new SubscriptionHost(
            options,
            new ResourceLoader("never", "never", null, Guid.NewGuid()).Defaults(redis.Host),
            new AppChannel(http, options, NullLogger<AppChannel>.Instance),
            state,
            connections,
            new RedisStreamPublisher(connections),
            new SidecarInstance(options),
            time,
            NullLoggerFactory.Instance);

        await host.StartAsync(CancellationToken.None);
        var advanced = TimeSpan.Zero;
        for (var i = 0; i < 200 && host.ExecuteTask is { IsCompleted: false }; i++)
        {
            // Let the probe fail and the loop reach its next timer, then move fake time on by one probe interval.
            await Task.WhenAny(host.ExecuteTask, Task.Delay(20));
            time.Advance(options.AppProbeInterval);
            advanced += options.AppProbeInterval;
        }

        await host.ExecuteTask!.WaitAsync(RealTimeout);
        await host.StopAsync(CancellationToken.None);
        Assert.False(state.Ready);
        Assert.True(advanced >= options.AppStartTimeout, $"gave up after {advanced} of fake time");
    }

    // Moves fake time on in steps until the deliveries satisfy the condition; returns the fake time it happened at.
    private static async Task<DateTimeOffset?> AdvanceUntilAsync(
        FakeTimeProvider time, SubscriberApp app, Func<IReadOnlyCollection<Delivery>, bool> condition, TimeSpan step)
    {
        var deadline = DateTime.UtcNow + RealTimeout;
        for (var i = 0; i < 5000 && DateTime.UtcNow < deadline; i++)
        {
            if (await app.WaitForAsync(condition, TimeSpan.FromMilliseconds(20)))
            {
                return time.GetUtcNow();
            }

            time.Advance(step);
        }

        return null;
    }
}
