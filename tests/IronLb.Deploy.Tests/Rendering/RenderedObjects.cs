using System.Globalization;
using System.Text.Json.Nodes;
using IronLb.Testing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

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

    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonObject>()];
    }

    public static string Kind(JsonObject item) => item["kind"]!.GetValue<string>();

    public static string Name(JsonObject item) => item["metadata"]!["name"]!.GetValue<string>();

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar when scalar.Style != ScalarStyle.Plain => JsonValue.Create(scalar.Value),
        YamlScalarNode { Value: null or "" or "null" or "~" } => null,
        YamlScalarNode { Value: "true" or "false" } scalar => JsonValue.Create(scalar.Value == "true"),
        YamlScalarNode scalar when long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidDataException($"unexpected YAML node {node.NodeType}"),
    };
}
