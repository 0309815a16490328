using System.Text.Json.Nodes;
using IronLb.Testing;

namespace IronLb.Deploy.Tests.Rendering;

/// <summary>The objects an overlay renders to, as the JSON kubectl would send: YAML plain scalars typed by the core schema.</summary>
internal static class RenderedObjects
{
    private static readonly Dictionary<string, IReadOnlyList<JsonObject>> Cache = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    public static IReadOnlyList<JsonObject> Of(string kustomization)
    {
        lock (Gate)
        {
            if (!Cache.TryGetValue(kustomization, out var objects))
            {
                objects = Parse(Kustomize.Render(kustomization));
                Cache[kustomization] = objects;
            }

            return [.. objects.Select(o => (JsonObject)o.DeepClone())];
        }
    }

    public static IReadOnlyList<JsonObject> Parse(string yaml) => [.. YamlJson.Documents(yaml).OfType<JsonObject>()];

    public static string Kind(JsonObject item) => item["kind"]!.GetValue<string>();

    public static string Name(JsonObject item) => item["metadata"]!["name"]!.GetValue<string>();
}
