using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace IronLb.Deploy.Tests.Rendering;

/// <summary>KubernetesClient's model type of each apiVersion and kind, and a strict deserialiser that rejects unknown fields.</summary>
internal static class TypedModels
{
    /// <summary>
    /// The API groups and versions deploy/ may use: each is served by Kubernetes 1.30 and later (none is deprecated
    /// there). KubernetesClient still models some versions a 1.30 server no longer serves, so the model alone is no proof.
    /// </summary>
    public static readonly IReadOnlySet<string> ServedSince130 = new HashSet<string>(StringComparer.Ordinal)
    {
        "v1", "apps/v1", "rbac.authorization.k8s.io/v1", "policy/v1", "networking.k8s.io/v1", "apiextensions.k8s.io/v1",
    };

    private static readonly Dictionary<string, Type> Types = typeof(V1Pod).Assembly.GetTypes()
        .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
        .Where(e => e.Entity is { Kind.Length: > 0 } && !e.Type.Name.EndsWith("List", StringComparison.Ordinal))
        .GroupBy(e => ApiVersion(e.Entity!) + "/" + e.Entity!.Kind, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().Type, StringComparer.Ordinal);

    static TypedModels()
    {
        KubernetesJson.AddJsonOptions(o => o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow);
    }

    public static Type? TypeOf(string apiVersion, string kind) => Types.GetValueOrDefault(apiVersion + "/" + kind);

    /// <summary>Deserialises <paramref name="json"/> into <paramref name="type"/>; throws on a field the model does not have.</summary>
    public static object Deserialize(string json, Type type)
    {
        var method = typeof(KubernetesJson).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == nameof(KubernetesJson.Deserialize) && m.IsGenericMethodDefinition && m.GetParameters() is [{ ParameterType: var p }, _] && p == typeof(string));
        try
        {
            return method.MakeGenericMethod(type).Invoke(null, [json, null])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is JsonException inner)
        {
            throw inner;
        }
    }

    private static string ApiVersion(KubernetesEntityAttribute entity) =>
        string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : entity.Group + "/" + entity.ApiVersion;
}
