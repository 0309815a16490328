using System.Text.Json.Nodes;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>JSON merge patch (RFC 7386 §2), as the fake API server applies it.</summary>
internal static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject o ? (JsonObject)o.DeepClone() : [];
        foreach (var (name, value) in members)
        {
            var existing = result[name];
            result.Remove(name);
            if (value is not null)
            {
                result[name] = Apply(existing, value);
            }
        }

        return result;
    }
}
