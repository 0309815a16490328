using System.Text.Json.Nodes;
using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;

namespace IronLb.Ipam.Kubernetes;

/// <summary>Turns the objects read from the API server into the same <see cref="ClusterConfiguration"/> a manifests folder gives.</summary>
/// <remarks>
/// The objects go through <see cref="ManifestLoader"/> as one JSON List, so the API and a folder share one parser
/// and one set of load errors. Before that, what ipam does not need is left out, and so is what ipam itself writes:
/// <list type="bullet">
/// <item>only LoadBalancer Services, their EndpointSlices, the Secrets a BGPPeer's passwordSecret names and the
/// metallb-excludel2 ConfigMap are kept; a cluster's other Services, slices, Secrets and ConfigMaps would only bloat
/// the document every service reads;</item>
/// <item>a Service's status and its metallb.io/ip-allocated-from-pool annotation are ipam's output: left out, or every
/// status write would come back as a new configuration version. What stays is the ingress the Service had when
/// first seen (<see cref="FirstSeenIngress"/>), so addresses MetalLB gave before a switch are kept.</item>
/// </list>
/// Objects are ordered by namespace and name, so the same cluster always maps to an equal configuration.
/// </remarks>
internal static class ClusterConfigurationMapper
{
    /// <summary>What load and validation errors name as the file.</summary>
    public const string SourceName = "kubernetes.json";

    private const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>Maps a snapshot of the watched objects; errors are the loader's, the caller validates.</summary>
    public static ManifestLoadResult Map(
        IReadOnlyDictionary<WatchedResource, IReadOnlyList<JsonObject>> objects, string metalLbNamespace, IReadOnlyDictionary<string, JsonArray>? firstSeenIngress = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var services = ItemsOf(objects, WatchedResource.Services).Where(IsLoadBalancer).ToList();
        var serviceKeys = services.Select(s => (ObjectJson.Namespace(s), ObjectJson.Name(s))).ToHashSet();
        var secretKeys = ItemsOf(objects, WatchedResource.BgpPeers).Select(PasswordSecretOf).OfType<(string, string)>().ToHashSet();

        var items = new JsonArray();
        foreach (var resource in WatchedResource.All)
        {
            var kept = resource switch
            {
                _ when resource == WatchedResource.Services => services,
                _ when resource == WatchedResource.EndpointSlices => ItemsOf(objects, resource)
                    .Where(slice => ObjectJson.String(slice, "metadata", "labels", ServiceNameLabel) is { } service && serviceKeys.Contains((ObjectJson.Namespace(slice), service))),
                _ when resource == WatchedResource.Secrets => ItemsOf(objects, resource)
                    .Where(secret => secretKeys.Contains((ObjectJson.Namespace(secret), ObjectJson.Name(secret)))),
                _ when resource == WatchedResource.ConfigMaps => ItemsOf(objects, resource)
                    .Where(map => ObjectJson.Namespace(map) == metalLbNamespace && ObjectJson.Name(map) == ExcludeL2.ConfigMapName),
                _ when resource.InMetalLbNamespace => ItemsOf(objects, resource).Where(o => ObjectJson.Namespace(o) == metalLbNamespace),
                _ => ItemsOf(objects, resource),
            };

            foreach (var item in kept.OrderBy(ObjectJson.Namespace, StringComparer.Ordinal).ThenBy(ObjectJson.Name, StringComparer.Ordinal))
            {
                items.Add(Prepare(resource, item, firstSeenIngress));
            }
        }

        return Load(items);
    }

    /// <summary>Reads one Service as the loader would, status and annotations included; null when it cannot be read.</summary>
    public static Service? ReadService(JsonObject service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var item = (JsonObject)service.DeepClone();
        Stamp(WatchedResource.Services, item);
        var loaded = Load([item]);
        return loaded.Configuration.Services.Count > 0 ? loaded.Configuration.Services[0] : null;
    }

    private static ManifestLoadResult Load(JsonArray items)
    {
        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items };
        return ManifestLoader.Parse(list.ToJsonString(), SourceName);
    }

    private static IEnumerable<JsonObject> ItemsOf(IReadOnlyDictionary<WatchedResource, IReadOnlyList<JsonObject>> objects, WatchedResource resource) =>
        objects.TryGetValue(resource, out var items) ? items : [];

    private static bool IsLoadBalancer(JsonObject service) =>
        ObjectJson.String(service, "spec", "type") == ServiceSpec.TypeLoadBalancer;

    private static (string Namespace, string Name)? PasswordSecretOf(JsonObject peer)
    {
        if (ObjectJson.String(peer, "spec", "passwordSecret", "name") is not { Length: > 0 } name)
        {
            return null;
        }

        var ns = ObjectJson.String(peer, "spec", "passwordSecret", "namespace");
        return (string.IsNullOrEmpty(ns) ? ObjectJson.Namespace(peer) : ns, name);
    }

    private static JsonObject Prepare(WatchedResource resource, JsonObject source, IReadOnlyDictionary<string, JsonArray>? firstSeenIngress)
    {
        var item = (JsonObject)source.DeepClone();
        Stamp(resource, item);
        if (item["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
        }

        if (resource == WatchedResource.Services)
        {
            item.Remove("status");
            if (firstSeenIngress is not null && firstSeenIngress.TryGetValue(FirstSeenIngress.KeyOf(source), out var ingress) && ingress.Count > 0)
            {
                item["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = ingress.DeepClone() } };
            }

            if (item["metadata"]?["annotations"] is JsonObject annotations)
            {
                annotations.Remove(ServiceAnnotations.IpAllocatedFromPool);
            }
        }

        return item;
    }

    // List items of built-in kinds come without apiVersion and kind; the resource says what they are.
    private static void Stamp(WatchedResource resource, JsonObject item)
    {
        item["apiVersion"] = resource.ApiVersion;
        item["kind"] = resource.Kind;
    }
}
