using System.Text.Json.Nodes;

namespace IronLb.Ipam.Kubernetes;

/// <summary>Reads the metadata every Kubernetes object carries from its JSON form.</summary>
internal static class ObjectJson
{
    public static string Name(JsonObject item) => Metadata(item, "name") ?? "";

    public static string Namespace(JsonObject item) => Metadata(item, "namespace") ?? "";

    public static string? ResourceVersion(JsonObject item) => Metadata(item, "resourceVersion");

    public static string? Uid(JsonObject item) => Metadata(item, "uid");

    /// <summary>A string at a path of object keys, or null when any step is missing or not of that type.</summary>
    public static string? String(JsonNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node is JsonObject o ? o[key] : null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }

    private static string? Metadata(JsonObject item, string field) => String(item, "metadata", field);
}
