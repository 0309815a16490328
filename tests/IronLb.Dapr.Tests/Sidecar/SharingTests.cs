using System.Net;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using IronLb.LocalSidecar.Hosting;

namespace IronLb.Dapr.Tests.Sidecar;

/// <summary>Metadata, bulk publish, shared key prefixes and a late app, through the real Dapr.Client.</summary>
[Collection(SharedRedis.Name)]
public sealed class SharingTests(RedisServer redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task GetMetadata_LoadedComponents_ReportsIdAndComponents()
    {
        var topic = "meta-" + _suffix;
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic, topic + "-dlq"));
        using var components = ComponentFiles.Standard(redis.Host);
        await using var sidecar = await StartAsync("meta-" + _suffix, components, app.Port);

        var metadata = await sidecar.Client.GetMetadataAsync();

        Assert.Equal("meta-" + _suffix, metadata.Id);
        Assert.Contains(metadata.Components, c => c.Name == "statestore" && c.Type == "state.redis");
        Assert.Contains(metadata.Components, c => c.Name == "pubsub" && c.Type == "pubsub.redis");
    }

    [Fact]
    public async Task BulkPublishEvent_ThreeEvents_EachDeliveredOnce()
    {
        var topic = "bulk-" + _suffix;
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        using var components = ComponentFiles.Standard(redis.Host);
        await using var sidecar = await StartAsync("bulk-" + _suffix, components, app.Port);

        var response = await sidecar.Client.BulkPublishEventAsync("pubsub", topic, new List<string> { "a", "b", "c" });

        Assert.Empty(response.FailedEntries);
        Assert.True(await app.WaitForAsync(d => d.Count >= 3, Timeout));
        Assert.Equal(["\"a\"", "\"b\"", "\"c\""], app.Deliveries.Select(d => d.Payload).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SaveState_KeyPrefixName_OtherAppReadsAndCasesTheSameKey()
    {
        using var components = ComponentFiles.Standard(redis.Host, keyPrefix: "name");
        await using var ipam = await StartAsync("ipam-" + _suffix, components);
        await using var election = await StartAsync("election-" + _suffix, components);
        var key = "intent/" + _suffix;

        await ipam.Client.SaveStateAsync("statestore", key, "v1");
        var (value, etag) = await election.Client.GetStateAndETagAsync<string>("statestore", key);
        var electionWrite = await election.Client.TrySaveStateAsync("statestore", key, "v2", etag);
        var ipamStale = await ipam.Client.TrySaveStateAsync("statestore", key, "v3", etag);

        Assert.Equal("v1", value);
        Assert.True(electionWrite);
        Assert.False(ipamStale);
        Assert.True(await redis.Database.KeyExistsAsync("statestore||" + key));
    }

    [Fact]
    public async Task HttpState_SaveWithFirstWriteTwiceThenGet_ETagHeaderAnd500OnMarkedKey()
    {
        using var components = ComponentFiles.Standard(redis.Host);
        await using var sidecar = await StartAsync("httpstate-" + _suffix, components);
        using var http = new HttpClient { BaseAddress = sidecar.HttpBase };
        var body = """[{"key":"lease","value":{"holder":"a"},"options":{"concurrency":"first-write"}}]""";

        using var created = await http.PostAsync(new Uri("/v1.0/state/statestore", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        using var conflict = await http.PostAsync(new Uri("/v1.0/state/statestore", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        using var read = await http.GetAsync(new Uri("/v1.0/state/statestore/lease", UriKind.Relative));
        using var missing = await http.GetAsync(new Uri("/v1.0/state/statestore/none", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, created.StatusCode);
        // No ETag given, so the failure on the first-write-marked key is no ETag mismatch: 500, not 409.
        Assert.Equal(HttpStatusCode.InternalServerError, conflict.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("1", read.Headers.GetValues("ETag").Single());
        Assert.Equal("{\"holder\":\"a\"}", await read.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, missing.StatusCode);
        Assert.Equal("a", (await sidecar.Client.GetStateAsync<System.Text.Json.JsonElement>("statestore", "lease")).GetProperty("holder").GetString());
    }

    [Fact]
    public async Task Healthz_AppStartsAfterSidecar_500ThenSubscribesAndDelivers()
    {
        var topic = "late-" + _suffix;
        var port = IronLb.Testing.LoopbackPorts.Next();
        using var components = ComponentFiles.Standard(redis.Host);
        await using var sidecar = await StartAsync("late-" + _suffix, components, port, waitHealthy: false);
        using var http = new HttpClient { BaseAddress = sidecar.HttpBase };
        using var before = await http.GetAsync(new Uri("/v1.0/healthz", UriKind.Relative));

        await using var app = await SubscriberApp.StartAsync(port, new TopicSpec(topic));
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            using var health = await http.GetAsync(new Uri("/v1.0/healthz", UriKind.Relative));
            return health.StatusCode == HttpStatusCode.NoContent;
        }, Timeout));
        await sidecar.Client.PublishEventAsync("pubsub", topic, new { n = 1 });

        Assert.Equal(HttpStatusCode.InternalServerError, before.StatusCode);
        Assert.True(await app.WaitForAsync(d => d.Count >= 1, Timeout));
    }

    [Fact]
    public async Task HttpPublish_JsonBody_DeliveredAsCloudEvent()
    {
        var topic = "http-" + _suffix;
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        using var components = ComponentFiles.Standard(redis.Host);
        await using var sidecar = await StartAsync("http-" + _suffix, components, app.Port);
        using var http = new HttpClient { BaseAddress = sidecar.HttpBase };

        using var response = await http.PostAsync(
            new Uri($"/v1.0/publish/pubsub/{topic}", UriKind.Relative), new StringContent("{\"n\":5}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(await app.WaitForAsync(d => d.Count >= 1, Timeout));
        Assert.Equal(5, Assert.Single(app.Deliveries).CloudEvent.GetProperty("data").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Subscribe_RedisStartsAfterSidecar_SubscribesOnceRedisIsUp()
    {
        var topic = "late-redis-" + _suffix;
        var redisPort = IronLb.Testing.LoopbackPorts.Next();
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        using var components = ComponentFiles.Standard($"127.0.0.1:{redisPort}");
        await using var sidecar = await StartAsync("late-redis-" + _suffix, components, app.Port, waitHealthy: false);
        using var http = new HttpClient { BaseAddress = sidecar.HttpBase };
        using var before = await http.GetAsync(new Uri("/v1.0/healthz", UriKind.Relative));
        var lateRedis = new RedisServer { FixedPort = redisPort };
        await lateRedis.InitializeAsync();
        try
        {
            Assert.True(await Eventually.HoldsAsync(async () =>
            {
                using var health = await http.GetAsync(new Uri("/v1.0/healthz", UriKind.Relative));
                return health.StatusCode == HttpStatusCode.NoContent;
            }, Timeout));
            await sidecar.Client.PublishEventAsync("pubsub", topic, new { n = 1 });

            Assert.Equal(HttpStatusCode.InternalServerError, before.StatusCode);
            Assert.True(await app.WaitForAsync(d => d.Count >= 1, Timeout));
        }
        finally
        {
            await lateRedis.DisposeAsync();
        }
    }

    private static async Task<RunningSidecar> StartAsync(string appId, ComponentFiles components, int? appPort = null, bool waitHealthy = true)
    {
        var sidecar = await RunningSidecar.StartAsync(new SidecarOptions { AppId = appId, AppPort = appPort, ResourcesPath = components.Directory });
        if (waitHealthy)
        {
            // Subscribed before the test publishes: an event published before XGROUP CREATE ... $ is not for this group.
            Assert.True(await sidecar.WaitForHealthyAsync(Timeout));
        }

        return sidecar;
    }

}
