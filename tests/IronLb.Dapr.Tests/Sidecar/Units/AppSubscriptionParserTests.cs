using System.Text;
using System.Text.Json;
using IronLb.LocalSidecar.PubSub;

namespace IronLb.Dapr.Tests.Sidecar.Units;

public sealed class AppSubscriptionParserTests
{
    [Fact]
    public void Parse_DaprAspNetCoreShape_CamelCasePubsubNameAndSlashlessRoute()
    {
        var subs = Parse("""[{"topic":"t","pubsubName":"pubsub","route":"events/t","deadLetterTopic":"t-dlq","metadata":{}}]""");

        var sub = Assert.Single(subs);
        Assert.Equal(("pubsub", "t", "/events/t", "t-dlq"), (sub.PubsubName, sub.Topic, sub.DefaultRoute, sub.DeadLetterTopic));
        Assert.Empty(sub.Rules);
    }

    [Fact]
    public void Parse_DocsShapeWithRoutes_RulesAndDefault()
    {
        var subs = Parse("""
            [{"pubsubname":"pubsub","topic":"orders",
              "routes":{"rules":[{"match":"event.type == \"widget\"","path":"/widgets"},{"match":"","path":"gadgets"}],"default":"/products"}}]
            """);

        var sub = Assert.Single(subs);
        Assert.Equal("/products", sub.DefaultRoute);
        Assert.Equal([new RouteRule("event.type == \"widget\"", "/widgets"), new RouteRule("", "/gadgets")], sub.Rules);
        Assert.Null(sub.DeadLetterTopic);
    }

    [Fact]
    public void Parse_EmptyBody_NoSubscriptions() => Assert.Empty(AppSubscriptionParser.Parse([]));

    [Fact]
    public void Parse_EntryWithoutTopic_Throws() =>
        Assert.ThrowsAny<JsonException>(() => Parse("""[{"pubsubname":"pubsub","route":"/x"}]"""));

    [Fact]
    public void Select_RuleMatchesEventType_RulePathElseDefault()
    {
        var sub = Assert.Single(Parse("""[{"pubsubname":"p","topic":"t","routes":{"rules":[{"match":"event.type == \"widget\"","path":"/w"}],"default":"/d"}}]"""));
        using var widget = JsonDocument.Parse("""{"type":"widget"}""");
        using var other = JsonDocument.Parse("""{"type":"gizmo"}""");

        Assert.Equal("/w", RouteSelector.Select(sub, widget.RootElement));
        Assert.Equal("/d", RouteSelector.Select(sub, other.RootElement));
    }

    [Fact]
    public void Matches_UnsupportedCel_NeverMatches()
    {
        using var ce = JsonDocument.Parse("""{"type":"widget"}""");

        Assert.False(RouteSelector.Matches("event.type.startsWith(\"w\")", ce.RootElement));
    }

    private static IReadOnlyList<AppSubscription> Parse(string json) => AppSubscriptionParser.Parse(Encoding.UTF8.GetBytes(json));
}
