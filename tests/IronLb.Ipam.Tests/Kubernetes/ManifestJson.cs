using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>Reads the example manifests into the JSON objects kubectl would send: YAML plain scalars typed by the core schema, Lists unpacked.</summary>
internal static class ManifestJson
{
    public static IEnumerable<JsonObject> ReadFile(string path)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return Unpack(JsonNode.Parse(File.ReadAllText(path)) as JsonObject);
        }

        return ReadText(File.ReadAllText(path));
    }

    /// <summary>The objects of a YAML stream (documents separated by ---), such as `kubectl kustomize` prints.</summary>
    public static IEnumerable<JsonObject> ReadText(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.SelectMany(d => Unpack(ToJson(d.RootNode) as JsonObject));
    }

    private static IEnumerable<JsonObject> Unpack(JsonObject? document) =>
        document is null ? []
        : document["kind"]?.GetValue<string>() == "List" ? document["items"]!.AsArray().OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone())
        : [document];

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
