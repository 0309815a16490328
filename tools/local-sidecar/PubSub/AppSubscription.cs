using System.Text.Json;

namespace IronLb.LocalSidecar.PubSub;

/// <summary>One programmatic subscription the app declared in GET /dapr/subscribe.</summary>
/// <param name="PubsubName">The pub/sub component.</param>
/// <param name="Topic">The topic.</param>
/// <param name="DefaultRoute">Path for events no rule matches (leading slash added), or null.</param>
/// <param name="Rules">Routing rules in order: CEL match expression and path.</param>
/// <param name="DeadLetterTopic">Where failed deliveries go, or null.</param>
internal sealed record AppSubscription(string PubsubName, string Topic, string? DefaultRoute, IReadOnlyList<RouteRule> Rules, string? DeadLetterTopic);

/// <summary>A routing rule: deliver to <paramref name="Path"/> when <paramref name="Match"/> holds.</summary>
internal sealed record RouteRule(string Match, string Path);

/// <summary>Parses the /dapr/subscribe answer (https://docs.dapr.io/reference/api/pubsub_api/#provide-a-route-for-dapr-to-discover-topic-subscriptions).</summary>
/// <remarks>Property names are matched case-insensitively: Dapr.AspNetCore writes "pubsubName" where the docs write
/// "pubsubname". Paths get a leading slash: Dapr.AspNetCore writes "events/t".</remarks>
internal static class AppSubscriptionParser
{
    public static IReadOnlyList<AppSubscription> Parse(ReadOnlySpan<byte> json)
    {
        var result = new List<AppSubscription>();
        if (json.IsEmpty)
        {
            return result;
        }

        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("/dapr/subscribe must answer a JSON array");
        }

        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var pubsub = String(entry, "pubsubname");
            var topic = String(entry, "topic");
            if (string.IsNullOrEmpty(pubsub) || string.IsNullOrEmpty(topic))
            {
                throw new JsonException("a subscription needs pubsubname and topic");
            }

            var defaultRoute = String(entry, "route");
            var rules = new List<RouteRule>();
            if (Property(entry, "routes") is { ValueKind: JsonValueKind.Object } routes)
            {
                defaultRoute = String(routes, "default") ?? defaultRoute;
                if (Property(routes, "rules") is { ValueKind: JsonValueKind.Array } ruleArray)
                {
                    foreach (var rule in ruleArray.EnumerateArray())
                    {
                        var path = String(rule, "path");
                        if (!string.IsNullOrEmpty(path))
                        {
                            rules.Add(new RouteRule(String(rule, "match") ?? "", NormalisePath(path)));
                        }
                    }
                }
            }

            result.Add(new AppSubscription(
                pubsub,
                topic,
                string.IsNullOrEmpty(defaultRoute) ? null : NormalisePath(defaultRoute),
                rules,
                String(entry, "deadLetterTopic") is { Length: > 0 } dlq ? dlq : null));
        }

        return result;
    }

    public static string NormalisePath(string path) => path.StartsWith('/') ? path : "/" + path;

    private static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string? String(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
