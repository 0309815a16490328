using System.Text.Json;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using IronLb.LocalSidecar.Hosting;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace IronLb.Dapr.Tests.Sidecar;

/// <summary>Publish through the real Dapr.Client, delivery into a Dapr.AspNetCore app, over a real Redis.</summary>
[Collection(SharedRedis.Name)]
public sealed class PubSubTests(RedisServer redis, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task PublishEvent_SubscribedApp_ReceivesDaprCloudEvent()
    {
        var topic = "intents-" + _suffix;
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        using var components = ComponentFiles.Standard(redis.Host);
        await using var subscriber = await StartSidecarAsync("sub-" + _suffix, app, components);
        await using var publisher = await StartSidecarAsync("pub-" + _suffix, null, components);

        await publisher.Client.PublishEventAsync("pubsub", topic, new Payload("svc/a", 7));

        Assert.True(await app.WaitForAsync(d => d.Count >= 1, Timeout));
        var delivery = Assert.Single(app.Deliveries);
        var ce = delivery.CloudEvent;
        Assert.Equal("/events/" + topic, delivery.Path);
        Assert.Equal("application/cloudevents+json", delivery.ContentType);
        Assert.Equal("pub-" + _suffix, ce.GetProperty("source").GetString());
        Assert.Equal("com.dapr.event.sent", ce.GetProperty("type").GetString());
        Assert.Equal("1.0", ce.GetProperty("specversion").GetString());
        Assert.Equal("application/json", ce.GetProperty("datacontenttype").GetString());
        Assert.Equal(topic, ce.GetProperty("topic").GetString());
        Assert.Equal("pubsub", ce.GetProperty("pubsubname").GetString());
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", ce.GetProperty("traceparent").GetString());
        Assert.True(DateTimeOffset.TryParse(ce.GetProperty("time").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.False(string.IsNullOrEmpty(delivery.Id));
        Assert.Equal(new Payload("svc/a", 7), ce.GetProperty("data").Deserialize<Payload>(JsonSerializerOptions.Web));
        Assert.Equal(new Payload("svc/a", 7), JsonSerializer.Deserialize<Payload>(delivery.Payload, JsonSerializerOptions.Web));
    }

    [Fact]
    public async Task Delivery_EntryAddedByAnotherWriterWithoutWake_FoundByPolling()
    {
        var topic = "daprd-" + _suffix;
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        using var components = ComponentFiles.Standard(redis.Host);
        await using var sidecar = await StartSidecarAsync("poll-" + _suffix, app, components);
        var envelope = $$$"""{"id":"from-daprd","source":"ipam","type":"com.dapr.event.sent","specversion":"1.0","datacontenttype":"application/json","topic":"{{{topic}}}","pubsubname":"pubsub","data":{"n":3}}""";

        // What daprd's pubsub.redis writes: XADD topic * data <cloudevent>, and no wake-up message.
        await redis.Database.StreamAddAsync(topic, "data", envelope);

        Assert.True(await app.WaitForAsync(d => d.Count >= 1, Timeout));
        Assert.Equal("from-daprd", Assert.Single(app.Deliveries).Id);
    }

    [Fact]
    public async Task Delivery_EntryNotACloudEvent_WrappedBeforeDelivery()
    {
        var topic = "raw-" + _suffix;
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        using var components = ComponentFiles.Standard(redis.Host);
        await using var sidecar = await StartSidecarAsync("raw-" + _suffix, app, components);

        await redis.Database.StreamAddAsync(topic, "data", "plain text, no envelope");

        Assert.True(await app.WaitForAsync(d => d.Count >= 1, Timeout));
        var ce = Assert.Single(app.Deliveries).CloudEvent;
        Assert.Equal("plain text, no envelope", ce.GetProperty("data").GetString());
        Assert.Equal((topic, "pubsub", "1.0"), (ce.GetProperty("topic").GetString(), ce.GetProperty("pubsubname").GetString(), ce.GetProperty("specversion").GetString()));
    }

    [Fact]
    public async Task Delivery_AppApiTokenSet_SentAsDaprApiTokenHeader()
    {
        var topic = "token-" + _suffix;
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        using var components = ComponentFiles.Standard(redis.Host);
        await using var sidecar = await StartSidecarAsync("tok-" + _suffix, app, components, appApiToken: "app-secret");

        await sidecar.Client.PublishEventAsync("pubsub", topic, new Payload("x", 1));

        Assert.True(await app.WaitForAsync(d => d.Count >= 1, Timeout));
        Assert.Equal("app-secret", Assert.Single(app.Deliveries).ApiToken);
    }

    [Fact]
    public async Task Delivery_AppAnswersRetry_RedeliveredAfterProcessingTimeout()
    {
        var topic = "retry-" + _suffix;
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        app.Responder = (_, attempt) => attempt == 1 ? Results.Ok(new { status = "RETRY" }) : Results.Ok(new { status = "SUCCESS" });
        using var components = ComponentFiles.Standard(redis.Host, processingTimeoutMs: 200, redeliverIntervalMs: 50);
        await using var sidecar = await StartSidecarAsync("retry-" + _suffix, app, components);

        await sidecar.Client.PublishEventAsync("pubsub", topic, new Payload("x", 1));

        Assert.True(await app.WaitForAsync(d => d.Count >= 2, Timeout));
        Assert.Single(app.Deliveries.Select(d => d.Id).Distinct());
        Assert.True(await WaitForNoPendingAsync(topic, "retry-" + _suffix));
    }

    [Fact]
    public async Task Delivery_AppAnswers500_RedeliveredAfterProcessingTimeout()
    {
        var topic = "err-" + _suffix;
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        app.Responder = (_, attempt) => attempt == 1 ? Results.StatusCode(500) : Results.Ok();
        using var components = ComponentFiles.Standard(redis.Host, processingTimeoutMs: 200, redeliverIntervalMs: 50);
        await using var sidecar = await StartSidecarAsync("err-" + _suffix, app, components);

        await sidecar.Client.PublishEventAsync("pubsub", topic, new Payload("x", 1));

        Assert.True(await app.WaitForAsync(d => d.Count >= 2, Timeout));
        Assert.True(await WaitForNoPendingAsync(topic, "err-" + _suffix));
    }

    [Fact]
    public async Task Delivery_AppAnswersDrop_SentToDeadLetterTopicAndAcknowledged()
    {
        var topic = "drop-" + _suffix;
        var deadLetter = topic + "-dlq";
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic, deadLetter), new TopicSpec(deadLetter));
        app.Responder = (t, _) => t == topic ? Results.Ok(new { status = "DROP" }) : Results.Ok();
        using var components = ComponentFiles.Standard(redis.Host);
        await using var sidecar = await StartSidecarAsync("drop-" + _suffix, app, components);

        await sidecar.Client.PublishEventAsync("pubsub", topic, new Payload("poison", 1));

        Assert.True(await app.WaitForAsync(d => d.Any(x => x.Topic == deadLetter), Timeout));
        var original = Assert.Single(app.Deliveries, d => d.Topic == topic);
        var dead = Assert.Single(app.Deliveries, d => d.Topic == deadLetter);
        Assert.Equal(original.Id, dead.Id);
        Assert.Equal(new Payload("poison", 1), JsonSerializer.Deserialize<Payload>(dead.Payload, JsonSerializerOptions.Web));
        Assert.True(await WaitForNoPendingAsync(topic, "drop-" + _suffix));
    }

    [Fact]
    public async Task Delivery_App404_AcknowledgedWithoutDeadLetter()
    {
        var topic = "gone-" + _suffix;
        var deadLetter = topic + "-dlq";
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic, deadLetter), new TopicSpec(deadLetter));
        app.Responder = (t, _) => t == topic ? Results.NotFound() : Results.Ok();
        using var components = ComponentFiles.Standard(redis.Host, processingTimeoutMs: 100, redeliverIntervalMs: 50);
        await using var sidecar = await StartSidecarAsync("gone-" + _suffix, app, components);

        await sidecar.Client.PublishEventAsync("pubsub", topic, new Payload("x", 1));

        Assert.True(await app.WaitForAsync(d => d.Count >= 1, Timeout));
        Assert.True(await WaitForNoPendingAsync(topic, "gone-" + _suffix));
        Assert.Equal(0, await redis.Database.StreamLengthAsync(deadLetter));
    }

    [Fact]
    public async Task Delivery_RetryWithDeadLetterAndResiliencyPolicy_RetriedThenDeadLettered()
    {
        var topic = "exhaust-" + _suffix;
        var deadLetter = topic + "-dlq";
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic, deadLetter), new TopicSpec(deadLetter));
        app.Responder = (t, _) => t == topic ? Results.Ok(new { status = "RETRY" }) : Results.Ok();
        using var components = ComponentFiles.Standard(redis.Host).Write("resiliency.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: inbound
            spec:
              policies:
                retries:
                  quick:
                    policy: constant
                    duration: 10ms
                    maxRetries: 2
              targets:
                components:
                  pubsub:
                    inbound:
                      retry: quick
            """);
        await using var sidecar = await StartSidecarAsync("exhaust-" + _suffix, app, components);

        await sidecar.Client.PublishEventAsync("pubsub", topic, new Payload("x", 1));

        Assert.True(await app.WaitForAsync(d => d.Any(x => x.Topic == deadLetter), Timeout));
        Assert.Equal(3, app.Deliveries.Count(d => d.Topic == topic));
        Assert.True(await WaitForNoPendingAsync(topic, "exhaust-" + _suffix));
    }

    [Fact]
    public async Task Delivery_RetryWithDeadLetterNoPolicy_DeadLetteredAtOnce()
    {
        var topic = "fast-dlq-" + _suffix;
        var deadLetter = topic + "-dlq";
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic, deadLetter), new TopicSpec(deadLetter));
        app.Responder = (t, _) => t == topic ? Results.StatusCode(503) : Results.Ok();
        using var components = ComponentFiles.Standard(redis.Host);
        await using var sidecar = await StartSidecarAsync("fast-" + _suffix, app, components);

        await sidecar.Client.PublishEventAsync("pubsub", topic, new Payload("x", 1));

        Assert.True(await app.WaitForAsync(d => d.Any(x => x.Topic == deadLetter), Timeout));
        Assert.Single(app.Deliveries, d => d.Topic == topic);
    }

    [Fact]
    public async Task TwoSidecars_SameConsumerId_EachMessageDeliveredToExactlyOne()
    {
        const int count = 20;
        var topic = "compete-" + _suffix;
        await using var appA = await SubscriberApp.StartAsync(new TopicSpec(topic));
        await using var appB = await SubscriberApp.StartAsync(new TopicSpec(topic));
        using var components = ComponentFiles.Standard(redis.Host, consumerId: "ipam-" + _suffix);
        await using var sidecarA = await StartSidecarAsync("ipam", appA, components, podName: "ipam-0");
        await using var sidecarB = await StartSidecarAsync("ipam", appB, components, podName: "ipam-1");

        for (var i = 0; i < count; i++)
        {
            await sidecarA.Client.PublishEventAsync("pubsub", topic, new Payload("n", i));
        }

        Assert.True(await WaitForNoPendingAsync(topic, "ipam-" + _suffix, expectedRead: count));
        var all = appA.Deliveries.Concat(appB.Deliveries).ToList();
        Assert.Equal(count, all.Count);
        Assert.Equal(count, all.Select(d => d.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, count), all.Select(d => JsonSerializer.Deserialize<Payload>(d.Payload, JsonSerializerOptions.Web)!.Value).Order());
    }

    [Fact]
    public async Task Subscribe_NewConsumerGroup_ReceivesWhatTheStreamHeldBefore()
    {
        var topic = "history-" + _suffix;
        using var components = ComponentFiles.Standard(redis.Host, consumerId: "{appID}");
        await using (var publisher = await StartSidecarAsync("history-pub-" + _suffix, app: null, components))
        {
            await publisher.Client.PublishEventAsync("pubsub", topic, new Payload("before", 1));
        }

        // pubsub.redis creates the group at "0": the late subscriber is handed the entry published before it existed.
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        await using var sidecar = await StartSidecarAsync("history-sub-" + _suffix, app, components);

        Assert.True(await app.WaitForAsync(d => d.Count >= 1, Timeout));
        Assert.Equal(new Payload("before", 1), JsonSerializer.Deserialize<Payload>(Assert.Single(app.Deliveries).Payload, JsonSerializerOptions.Web));
    }

    [Fact]
    public async Task TwoSidecars_PodNameConsumerIds_EachGetsEveryMessage()
    {
        const int count = 10;
        var topic = "broadcast-" + _suffix;
        await using var appA = await SubscriberApp.StartAsync(new TopicSpec(topic));
        await using var appB = await SubscriberApp.StartAsync(new TopicSpec(topic));
        using var components = ComponentFiles.Standard(redis.Host, consumerId: "{podName}");
        await using var sidecarA = await StartSidecarAsync("layer2", appA, components, podName: "layer2-" + _suffix + "-a");
        await using var sidecarB = await StartSidecarAsync("layer2", appB, components, podName: "layer2-" + _suffix + "-b");

        for (var i = 0; i < count; i++)
        {
            await sidecarB.Client.PublishEventAsync("pubsub", topic, new Payload("n", i));
        }

        Assert.True(await appA.WaitForAsync(d => d.Count >= count, Timeout));
        Assert.True(await appB.WaitForAsync(d => d.Count >= count, Timeout));
        Assert.Equal(appA.Deliveries.Select(d => d.Id).Order(), appB.Deliveries.Select(d => d.Id).Order());
        Assert.Equal(count, appA.Deliveries.Select(d => d.Id).Distinct().Count());
    }

    private async Task<RunningSidecar> StartSidecarAsync(
        string appId, SubscriberApp? app, ComponentFiles components, string? podName = null, string? appApiToken = null)
    {
        var sidecar = await RunningSidecar.StartAsync(new SidecarOptions
        {
            AppId = appId,
            AppPort = app?.Port,
            ResourcesPath = components.Directory,
            PodName = podName,
            AppApiToken = appApiToken,
        }, output: output);
        if (app is not null)
        {
            // The sidecar subscribes once the app answered /dapr/subscribe; healthz reports exactly that.
            Assert.True(await sidecar.WaitForHealthyAsync(Timeout));
        }

        return sidecar;
    }

    private Task<bool> WaitForNoPendingAsync(string topic, string group, int expectedRead = 1) => Eventually.HoldsAsync(async () =>
    {
        var info = (await redis.Database.StreamGroupInfoAsync(topic)).Single(g => g.Name == group);
        return info.PendingMessageCount == 0 && info.EntriesRead >= expectedRead;
    }, Timeout);


    internal sealed record Payload(string Name, int Value);
}
