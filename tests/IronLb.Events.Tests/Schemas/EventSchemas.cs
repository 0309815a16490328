using System.Collections.Concurrent;
using System.Text.Json;
using IronLb.Core.Events;
using IronLb.Testing;
using Json.Schema;

namespace IronLb.Events.Tests.Schemas;

/// <summary>The JSON Schemas in docs/events/schemas, built once each, and a check of an event against its type's schema.</summary>
internal static class EventSchemas
{
    private static readonly ConcurrentDictionary<string, JsonSchema> Built = new(StringComparer.Ordinal);

    public static string Folder { get; } = RepositoryLayout.PathOf("docs", "events", "schemas");

    public static JsonSchema For(string type) => Built.GetOrAdd(type, t =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(Folder, EventTypes.SchemaFile(t))), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    /// <summary>The errors of <paramref name="cloudEvent"/> against the schema its type names; empty when valid.</summary>
    public static IReadOnlyList<string> Errors(JsonElement cloudEvent)
    {
        var type = cloudEvent.GetProperty("type").GetString()!;
        var results = For(type).Evaluate(cloudEvent, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return results.IsValid
            ? []
            : [.. (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }
}
