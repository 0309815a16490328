using System.Text.Json.Nodes;
using IronLb.Testing;

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
    public static IEnumerable<JsonObject> ReadText(string yaml) => YamlJson.Documents(yaml).SelectMany(d => Unpack(d as JsonObject));

    private static IEnumerable<JsonObject> Unpack(JsonObject? document) =>
        document is null ? []
        : document["kind"]?.GetValue<string>() == "List" ? document["items"]!.AsArray().OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone())
        : [document];
}
