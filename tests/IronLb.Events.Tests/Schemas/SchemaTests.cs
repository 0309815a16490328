using System.Text.Json;
using System.Text.Json.Nodes;
using IronLb.Core.Contracts;
using IronLb.Core.Events;
using IronLb.Testing;

namespace IronLb.Events.Tests.Schemas;

/// <summary>Every type has a schema and an example in docs/events, the examples and real emitted events pass their schemas,
/// and the schemas are strict enough to fail an event that breaks the contract.</summary>
public class SchemaTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 17, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Types() => [.. EventTypes.All];

    private static JsonElement Parse(byte[] bytes) => JsonDocument.Parse(bytes).RootElement.Clone();

    [Theory]
    [MemberData(nameof(Types))]
    public void Example_OfEveryType_PassesItsSchema(string type)
    {
        var path = RepositoryLayout.PathOf("docs", "events", "examples", EventTypes.SchemaFile(type));
        var example = JsonDocument.Parse(File.ReadAllText(path)).RootElement;

        Assert.Equal(type, example.GetProperty("type").GetString());
        Assert.Empty(EventSchemas.Errors(example));
    }

    [Fact]
    public void SchemaFolder_HoldsExactlyOneSchemaPerType()
    {
        var files = Directory.GetFiles(EventSchemas.Folder, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(EventTypes.All.Select(EventTypes.SchemaFile).Order(StringComparer.Ordinal), files);
    }

    [Fact]
    public void EmittedEvents_OfEveryType_PassTheirSchemas()
    {
        var emitted = EmittedSamples.All().Select(e => (e.Type, Json: Parse(CloudEventFormat.Write(e, "/ironlb/" + EmittedSamples.ServiceOf(e.Type) + "/node-a", At)))).ToList();

        Assert.Equal(EventTypes.All.Order(StringComparer.Ordinal), emitted.Select(e => e.Type).Distinct().Order(StringComparer.Ordinal));
        Assert.All(emitted, e => Assert.Empty(EventSchemas.Errors(e.Json)));
    }

    [Theory]
    [InlineData("data.version", null)]
    [InlineData("data.addresses", "[]")]
    [InlineData("data.families", "[\"IPv5\"]")]
    [InlineData("subject", "\"services/shop\"")]
    [InlineData("specversion", "\"0.3\"")]
    [InlineData("data.surprise", "1")]
    [InlineData("time", "\"yesterday\"")]
    public void AssignedEvent_BrokenField_FailsItsSchema(string field, string? value)
    {
        var assigned = ServiceEventDiff.Diff([], [new ServiceAddressState("shop", "web", "p", ["192.0.2.10"], null, 3)], 3).Single();
        var node = JsonNode.Parse(CloudEventFormat.Write(assigned, "/ironlb/ipam/node-a", At))!.AsObject();
        var parts = field.Split('.');
        var parent = parts.Length == 2 ? node[parts[0]]!.AsObject() : node;
        if (value is null)
        {
            parent.Remove(parts[^1]);
        }
        else
        {
            parent[parts[^1]] = JsonNode.Parse(value);
        }

        Assert.NotEmpty(EventSchemas.Errors(JsonDocument.Parse(node.ToJsonString()).RootElement));
    }

    /// <summary>Events of every type as the emitters build them, from the pure diffs and factories the services call.</summary>
    internal static class EmittedSamples
    {
        public static string ServiceOf(string type) =>
            type.StartsWith("io.ironlb.layer2.", StringComparison.Ordinal) ? "election"
            : type.StartsWith("io.ironlb.bgp.", StringComparison.Ordinal) || type.StartsWith("io.ironlb.bfd.", StringComparison.Ordinal) ? "bgp"
            : "ipam";

        public static IEnumerable<IntegrationEvent> All()
        {
            var v1 = new ServiceAddressState("shop", "web", "p", ["192.0.2.10", "2001:db8::10"], null, 1);
            var v2 = v1 with { Addresses = ["192.0.2.11"], Since = 2 };
            var failed = new ServiceAddressState("shop", "web", null, [], "no available addresses in pool \"p\"", 3);
            var unservedNew = new ServiceAddressState("shop", "api", null, [], "pool \"x\" does not exist", 3);
            foreach (var e in ServiceEventDiff.Diff([], [v1], 1).Concat(ServiceEventDiff.Diff([v1], [v2], 2))
                .Concat(ServiceEventDiff.Diff([v2], [failed, unservedNew], 3)).Concat(ServiceEventDiff.Diff([v2], [], 4)).Concat(ServiceEventDiff.Diff([failed], [], 5)))
            {
                yield return e;
            }

            var before = new OwnerSet(3, [new AddressOwner("203.0.113.10", "node-a", 6, [], ["shop/web"]), new AddressOwner("2001:db8:1:20::10", "node-a", 6, [], ["shop/web"])]);
            var after = new OwnerSet(4, [new AddressOwner("203.0.113.10", "node-b", 8, [], ["shop/web"]), new AddressOwner("203.0.113.11", "node-b", 8, [], ["shop/api"])]);
            foreach (var e in OwnerEventDiff.Diff(before, after))
            {
                yield return e;
            }

            var sequence = new NodeEventSequence(TimeProvider.System);
            yield return BgpEvents.Announcement(sequence, started: true, "node-a", "rtr", "192.0.2.1", "203.0.113.10/32");
            yield return BgpEvents.Announcement(sequence, started: false, "node-a", "rtr", "192.0.2.1", "2001:db8:1:20::10/128");
            yield return BgpEvents.Session(sequence, up: true, "node-a", "rtr", "192.0.2.1", "established");
            yield return BgpEvents.Session(sequence, up: false, "node-a", "rtr", "192.0.2.1", "hold timer expired");
            yield return BgpEvents.Bfd(sequence, up: true, "node-a", "rtr", "192.0.2.1", "up");
            yield return BgpEvents.Bfd(sequence, up: false, "node-a", "rtr", "192.0.2.1", "neighbor signaled session down");
            yield return ConfigurationEvents.Accepted(1, "/etc/ironlb", "abc123");
            yield return ConfigurationEvents.Rejected(1, "/etc/ironlb", ["pools.yaml: IPAddressPool/x: spec.addresses: empty"]);
        }
    }
}
