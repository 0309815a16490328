using Dapr.Client;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using IronLb.Testing;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>
/// What the sidecar does with an app's answer to a delivery, through a sidecar process: daprd when it is on the PATH,
/// else the local sidecar. daprd acknowledges a 404 and drops it, never dead-letters it, even with a dead-letter topic
/// (dapr/dapr pkg/runtime/subscription/postman/http/http.go: Deliver returns nil for http.StatusNotFound), unlike
/// {"status":"DROP"}, which it dead-letters.
/// </summary>
[Trait("Category", "Sidecar")]
public sealed class AppAnswerContractTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Delivery_App404WithDeadLetterTopic_AcknowledgedAndNeverDeadLettered()
    {
        var topic = "gone-" + Guid.NewGuid().ToString("N")[..8];
        var deadLetter = topic + "-dlq";
        const string appId = "gone-contract";
        await using var redis = await Testing.RedisServer.StartAsync();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Host);
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic, deadLetter), new TopicSpec(deadLetter));
        app.Responder = (t, _) => t == topic ? Results.NotFound() : Results.Ok();
        using var components = ComponentFiles.Standard(redis.Host, processingTimeoutMs: 100, redeliverIntervalMs: 50);
        await using var sidecar = await SidecarProcess.StartAsync(appId, appId + "-0", redis, components.Directory, app.Port);
        await sidecar.WaitUntilHealthyAsync(Timeout);
        using var client = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint).UseHttpEndpoint(sidecar.HttpEndpoint).Build();

        await client.PublishEventAsync("pubsub", topic, new { n = 1 });

        Assert.True(await app.WaitForAsync(d => d.Any(x => x.Topic == topic), Timeout), sidecar.Output);
        var database = connection.GetDatabase();

        // Acknowledged: nothing pending in the app's group. A dead-letter publish would have come before the ack.
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await database.StreamGroupInfoAsync(topic)).Single(g => g.Name == appId) is { PendingMessageCount: 0, EntriesRead: >= 1 }, Timeout), sidecar.Output);
        Assert.Equal(0, await database.StreamLengthAsync(deadLetter));
        Assert.Single(app.Deliveries, d => d.Topic == topic);
        Assert.DoesNotContain(app.Deliveries, d => d.Topic == deadLetter);
    }
}
