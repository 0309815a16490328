using System.Diagnostics;
using System.Net;
using System.Text;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using Xunit.Abstractions;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>
/// A short, seeded fuzz run of a service's HTTP endpoints: random methods, paths, headers and bodies, mutations of
/// well-formed deliveries among them. No request may earn a 5xx, none without the token may reach the handler, and
/// the app must still answer afterwards. Bounded in count and time. Fixed seeds keep CI repeatable; IRONLB_FUZZ_SEED
/// runs another (the seed is printed, so any failure can be replayed).
/// </summary>
[Collection(SharedRedis.Name)]
public sealed class AppListenerFuzzTests(RedisServer redis, ITestOutputHelper output)
{
    private const int Requests = 2000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    private static readonly string[] Paths =
    [
        "/events/" + GuardedApp.Topic, "/events/other", "/status", "/healthz", "/readyz", "/metrics", "/dapr/subscribe", "/", "/events/%2e%2e/status",
        "/healthz/../events/" + GuardedApp.Topic, "/" + new string('a', 3000),
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];

    private static readonly string[] ContentTypes =
        ["application/cloudevents+json", "application/json", "text/plain", "application/cloudevents+json; charset=utf-8", "application/octet-stream", "garbage/;;;"];

    [Theory]
    [InlineData(270605053)] // found invalid UTF-8 inside "data" answered 500
    [InlineData(1)]
    [InlineData(20261203)]
    public async Task RandomRequests_NeverA5xxNeverHandledWithoutTokenAndAppStillAnswers(int defaultSeed)
    {
        var seed = Environment.GetEnvironmentVariable("IRONLB_FUZZ_SEED") is { } chosen ? int.Parse(chosen, System.Globalization.CultureInfo.InvariantCulture) : defaultSeed;
        output.WriteLine($"seed {seed} (IRONLB_FUZZ_SEED={seed} replays it)");
        var random = new Random(seed);
        await using var app = await GuardedApp.StartAsync(redis, withProbePort: true);
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        var sent = 0;
        var handledWithoutToken = 0;

        for (; sent < Requests && clock.Elapsed < Budget; sent++)
        {
            var withToken = random.Next(3) == 0;
            var before = app.Handler.Received.Count;
            using var request = RandomRequest(random, withToken);
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync();
            var description = $"{request.Method} {request.RequestUri} {request.Content?.Headers.ContentType} body {Convert.ToBase64String(body.AsSpan(0, Math.Min(body.Length, 300)))}";
            var client = random.Next(4) == 0 ? app.Probe! : app.Http;
            try
            {
                using var response = await client.SendAsync(request);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{description}: {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException exception)
            {
                failures.Add($"{description}: {exception.Message}");
            }

            if (!withToken && app.Handler.Received.Count > before)
            {
                handledWithoutToken++;
            }
        }

        using var health = await app.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        output.WriteLine($"{sent} requests in {clock.Elapsed.TotalSeconds:F1} s, {app.Handler.Received.Count} handled");
        Assert.True(sent >= 200, $"only {sent} requests fitted in {Budget}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(0, handledWithoutToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static HttpRequestMessage RandomRequest(Random random, bool withToken)
    {
        // Half of them shaped like a delivery, so the envelope reader and the handler get exercised, not only routing.
        var delivery = random.Next(2) == 0;
        var request = delivery
            ? new HttpRequestMessage(HttpMethod.Post, Paths[0])
            : new HttpRequestMessage(new HttpMethod(Pick(random, Methods)), Pick(random, Paths));
        if (withToken)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", GuardedApp.Token);
        }
        else if (random.Next(4) == 0)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", RandomText(random, random.Next(0, 64)));
        }

        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
        {
            request.Content = new ByteArrayContent(RandomBody(random));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", delivery ? ContentTypes[0] : Pick(random, ContentTypes));
        }

        return request;
    }

    private static byte[] RandomBody(Random random)
    {
        var valid = $$$"""{"id":"f","source":"ipam","specversion":"1.0","datacontenttype":"application/json","data":{"version":{{{random.Next()}}}}}""";
        switch (random.Next(6))
        {
            case 0:
                return Encoding.UTF8.GetBytes(valid);
            case 1:
                // One to eight random bytes of a valid delivery replaced.
                var bytes = Encoding.UTF8.GetBytes(valid);
                for (var i = random.Next(1, 9); i > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case 2:
                var depth = random.Next(1, 3000);
                return Encoding.UTF8.GetBytes($$$"""{"specversion":"1.0","data":{{{new string('[', depth)}}}{{{new string(']', depth)}}}}""");
            case 3:
                var noise = new byte[random.Next(0, 4096)];
                random.NextBytes(noise);
                return noise;
            case 4:
                return Encoding.UTF8.GetBytes(valid[..random.Next(valid.Length)]);
            default:
                return Encoding.UTF8.GetBytes($$"""{"specversion":"{{RandomText(random, 4)}}","data_base64":"{{RandomText(random, random.Next(0, 200))}}"}""");
        }
    }

    private static string RandomText(Random random, int length)
    {
        const string alphabet = "abcXYZ019+/=\"\\{}[]:, ";
        var text = new char[length];
        for (var i = 0; i < length; i++)
        {
            text[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(text);
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
