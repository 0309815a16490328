using System.Text.Json.Nodes;

namespace IronLb.Ipam.Kubernetes;

/// <summary>
/// The status.loadBalancer.ingress each Service had when this process first saw it, by UID: the addresses MetalLB (or
/// a previous ipam) gave it, which the solver keeps when the store holds nothing for it. Later status changes are
/// ipam's own writes and are not taken up, so writing status never comes back as a configuration change.
/// </summary>
internal sealed class FirstSeenIngress
{
    private readonly Lock _gate = new();
    private Dictionary<string, JsonArray> _byService = [];

    /// <summary>Records the Services not seen before and forgets those gone; returns the first-seen ingress of each, by key.</summary>
    public IReadOnlyDictionary<string, JsonArray> Update(IEnumerable<JsonObject> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        lock (_gate)
        {
            var next = new Dictionary<string, JsonArray>();
            foreach (var service in services)
            {
                var key = KeyOf(service);
                next[key] = _byService.TryGetValue(key, out var known) ? known
                    : service["status"]?["loadBalancer"]?["ingress"] is JsonArray ingress ? (JsonArray)ingress.DeepClone()
                    : [];
            }

            _byService = next;
            return next;
        }
    }

    /// <summary>The UID, or namespace/name for an object without one; a Service deleted and created again is a new one.</summary>
    public static string KeyOf(JsonObject service) =>
        ObjectJson.Uid(service) is { Length: > 0 } uid ? uid : ObjectJson.Namespace(service) + "/" + ObjectJson.Name(service);
}
