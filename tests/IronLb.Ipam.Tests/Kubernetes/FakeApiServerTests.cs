using System.Text.Json.Nodes;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>The API server double keeps the promise ipam's watch loop relies on: a watch delivers every event after
/// its version, or ends with 410 Gone; it never skips events that compaction removed.</summary>
public sealed class FakeApiServerTests
{
    [Fact]
    public async Task Watch_EventsCompactedBeforeItSentThem_DeliversThemOrEndsWithGone()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var api = await FakeApiServer.StartAsync();
        using var http = new HttpClient { BaseAddress = api.BaseAddress };
        var version = JsonNode.Parse(await http.GetStringAsync("/api/v1/services", cts.Token))!["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var response = await http.GetAsync($"/api/v1/services?watch=true&resourceVersion={version}", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        // The watch is open and waiting; a change and the compaction that forgets it land before it looks again.
        api.Apply(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = "late", ["namespace"] = "shop" },
            ["spec"] = new JsonObject { ["type"] = "LoadBalancer" },
        });
        api.Compact();

        // Bounded by the token: a watch that skipped the event would send nothing more and fail here.
        var first = JsonNode.Parse(await events.ReadLineAsync(cts.Token) ?? "{}")!;
        var type = first["type"]?.GetValue<string>();
        Assert.True(
            (type == "ADDED" && first["object"]?["metadata"]?["name"]?.GetValue<string>() == "late")
            || (type == "ERROR" && first["object"]?["code"]?.GetValue<int>() == 410),
            first.ToJsonString());
    }
}
