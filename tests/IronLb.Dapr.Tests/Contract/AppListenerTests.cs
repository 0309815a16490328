using System.Net;
using System.Text;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>What a caller that is not the sidecar meets on a service's app port: the token, the size and shape limits, the probe port.</summary>
[Collection(SharedRedis.Name)]
public sealed class AppListenerTests(RedisServer redis)
{
    [Fact]
    public async Task SubscriptionPost_WithoutToken401_WithTokenAccepted()
    {
        await using var app = await GuardedApp.StartAsync(redis);

        var without = await app.SendAsync(GuardedApp.Delivery("""{"version":1}""", token: null));
        var wrong = await app.SendAsync(GuardedApp.Delivery("""{"version":2}""", token: "wrong"));
        var with = await app.SendAsync(GuardedApp.Delivery("""{"version":3}""", GuardedApp.Token));

        Assert.Equal(HttpStatusCode.Unauthorized, without);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal(HttpStatusCode.OK, with);
        Assert.Equal(["""{"version":3}"""], app.Handler.Received);
    }

    [Theory]
    [InlineData("/status")]
    [InlineData("/dapr/subscribe")]
    [InlineData("/healthz/../status")]
    public async Task Get_NonProbePathWithoutToken_401(string path)
    {
        await using var app = await GuardedApp.StartAsync(redis);

        using var response = await app.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_ProbePathsWithoutToken_ServedWithoutConfiguration()
    {
        await using var app = await GuardedApp.StartAsync(redis);

        foreach (var path in new[] { "/healthz", "/readyz", "/metrics" })
        {
            using var response = await app.Http.GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();

            Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain("bgpPeers", body, StringComparison.Ordinal);
            Assert.DoesNotContain("ipAddressPools", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SubscriptionPost_BodyOverLimit_413AndNotHandled()
    {
        await using var app = await GuardedApp.StartAsync(redis);
        var padding = new string('x', Dapr.DaprSubscriptionEndpoints.MaxEventBytes);

        var withLength = await app.SendAsync(GuardedApp.Delivery($$"""{"pad":"{{padding}}"}""", GuardedApp.Token));
        using var chunked = GuardedApp.Delivery("{}", GuardedApp.Token);
        chunked.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$$"""{"specversion":"1.0","data":{"pad":"{{{padding}}}"}}""")));
        chunked.Content.Headers.ContentType = new("application/cloudevents+json");
        var withoutLength = await app.SendAsync(chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, withoutLength);
        Assert.Empty(app.Handler.Received);
    }

    [Theory]
    [InlineData("application/cloudevents+json", "{not json")]
    [InlineData("application/cloudevents+json", "[1,2,3]")]
    [InlineData("application/cloudevents+json", """{"specversion":"0.3","data":{}}""")]
    [InlineData("application/cloudevents+json", """{"data":{}}""")]
    [InlineData("application/cloudevents+json", """{"specversion":"1.0","datacontenttype":"text/plain","data":"not json"}""")]
    [InlineData("application/cloudevents+json", """{"specversion":"1.0","data_base64":"!!!"}""")]
    [InlineData("application/json", "{\"version\":")]
    [InlineData("text/plain", "{}")]
    public async Task SubscriptionPost_MalformedOrUnknownVersion_400AndNotHandled(string contentType, string body)
    {
        await using var app = await GuardedApp.StartAsync(redis);
        using var request = GuardedApp.Delivery("{}", GuardedApp.Token);
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = new(contentType);

        var status = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Empty(app.Handler.Received);
    }

    [Fact]
    public async Task SubscriptionPost_InvalidUtf8InData_400()
    {
        await using var app = await GuardedApp.StartAsync(redis);
        using var request = GuardedApp.Delivery("{}", GuardedApp.Token);
        request.Content = new ByteArrayContent([.. "{\"specversion\":\"1.0\",\"data\":{\"versio"u8, 0xAC, .. "\":1}}"u8]);
        request.Content.Headers.ContentType = new("application/cloudevents+json");

        var status = await app.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Empty(app.Handler.Received);
    }

    [Fact]
    public async Task SubscriptionPost_NestedTooDeep_400()
    {
        await using var app = await GuardedApp.StartAsync(redis);
        var deep = new string('[', 5000) + new string(']', 5000);

        var status = await app.SendAsync(GuardedApp.Delivery(deep, GuardedApp.Token));

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task ProbePort_ServesOnlyProbes()
    {
        await using var app = await GuardedApp.StartAsync(redis, withProbePort: true);

        using var health = await app.Probe!.GetAsync(new Uri("/healthz", UriKind.Relative));
        using var metrics = await app.Probe.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var status = await app.Probe.GetAsync(new Uri("/status", UriKind.Relative));
        using var delivery = GuardedApp.Delivery("""{"version":1}""", GuardedApp.Token);
        delivery.RequestUri = new Uri(app.Probe.BaseAddress!, delivery.RequestUri!);
        using var posted = await app.Probe.SendAsync(delivery);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        Assert.Empty(app.Handler.Received);
    }
}
