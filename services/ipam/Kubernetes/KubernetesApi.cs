using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace IronLb.Ipam.Kubernetes;

/// <summary>One page of a list: its objects, the collection's resourceVersion, and the token of the next page.</summary>
internal sealed record ResourcePage(IReadOnlyList<JsonObject> Items, string? ResourceVersion, string? Continue);

/// <summary>One watch event: ADDED, MODIFIED, DELETED or BOOKMARK, with the object it carries.</summary>
internal sealed record ResourceEvent(WatchEventType Type, JsonObject Object);

/// <summary>The part of the Kubernetes API ipam uses, over KubernetesClient: list, watch, patch a Service, record an Event.</summary>
/// <remarks>
/// Objects travel as JSON, not as KubernetesClient's models: they go on to <see cref="Core.Configuration.ManifestLoader"/>,
/// which reads MetalLB's CRDs and core kinds alike, so one generic path serves every resource.
/// </remarks>
internal sealed class KubernetesApi : IDisposable
{
    /// <summary>The field manager IronLB's writes are recorded under.</summary>
    public const string FieldManager = "ironlb-ipam";

    private readonly k8s.Kubernetes _client;
    private readonly KubernetesSourceOptions _options;

    public KubernetesApi(IOptions<IpamOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.Kubernetes;
        _client = new k8s.Kubernetes(ClientConfiguration(_options));
    }

    /// <summary>Lists one page of <paramref name="resource"/>: cluster-wide, or in the MetalLB namespace.</summary>
    public async Task<ResourcePage> ListAsync(WatchedResource resource, string? continueToken, CancellationToken cancellationToken)
    {
        using var response = resource.InMetalLbNamespace
            ? await _client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<JsonElement>(
                resource.Group, resource.Version, _options.MetalLbNamespace, resource.Plural,
                continueParameter: continueToken, limit: _options.ListPageSize, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await _client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<JsonElement>(
                resource.Group, resource.Version, resource.Plural,
                continueParameter: continueToken, limit: _options.ListPageSize, cancellationToken: cancellationToken).ConfigureAwait(false);
        var list = JsonObject.Create(response.Body) ?? throw new JsonException($"the {resource} list was not an object");
        var items = list["items"] as JsonArray ?? [];
        return new ResourcePage(
            [.. items.OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone())],
            ObjectJson.String(list, "metadata", "resourceVersion"),
            ObjectJson.String(list, "metadata", "continue") is { Length: > 0 } next ? next : null);
    }

    /// <summary>
    /// Watches <paramref name="resource"/> from <paramref name="resourceVersion"/> until the server ends the watch.
    /// ERROR events (410 Gone among them) do not come out as events: they go to <paramref name="onError"/>.
    /// </summary>
    public async IAsyncEnumerable<ResourceEvent> WatchAsync(
        WatchedResource resource, string resourceVersion, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var timeout = (int)Math.Ceiling(_options.WatchTimeout.TotalSeconds);
        var events = resource.InMetalLbNamespace
            ? _client.CustomObjects.WatchListNamespacedCustomObjectAsync(
                resource.Group, resource.Version, _options.MetalLbNamespace, resource.Plural,
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: cancellationToken)
            : _client.CustomObjects.WatchListClusterCustomObjectAsync(
                resource.Group, resource.Version, resource.Plural,
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, item) in events.ConfigureAwait(false))
        {
            if (item is JsonElement element && JsonObject.Create(element) is { } json)
            {
                yield return new ResourceEvent(type, (JsonObject)json.DeepClone());
            }
        }
    }

    /// <summary>Merge-patches the status subresource of a Service; returns the Service as stored after it.</summary>
    public async Task<JsonObject> PatchServiceStatusAsync(string ns, string name, JsonObject patch, CancellationToken cancellationToken)
    {
        var updated = await _client.CoreV1.PatchNamespacedServiceStatusAsync(MergePatch(patch), name, ns, fieldManager: FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ToJson(updated);
    }

    /// <summary>Merge-patches a Service (its metadata); returns the Service as stored after it.</summary>
    public async Task<JsonObject> PatchServiceAsync(string ns, string name, JsonObject patch, CancellationToken cancellationToken)
    {
        var updated = await _client.CoreV1.PatchNamespacedServiceAsync(MergePatch(patch), name, ns, fieldManager: FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ToJson(updated);
    }

    /// <summary>Merge-patches the status subresource of an IPAddressPool; returns the pool as stored after it.</summary>
    public Task<JsonObject> PatchPoolStatusAsync(string ns, string name, JsonObject patch, CancellationToken cancellationToken) =>
        PatchStatusAsync(WatchedResource.IpAddressPools, ns, name, patch, cancellationToken);

    /// <summary>Merge-patches the status subresource of a metallb.io object; returns the object as stored after it.</summary>
    public async Task<JsonObject> PatchStatusAsync(WatchedResource resource, string ns, string name, JsonObject patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var updated = await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            MergePatch(patch), resource.Group, resource.Version, ns, resource.Plural, name, fieldManager: FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        return AsObject(updated, resource);
    }

    /// <summary>Merge-patches a metallb.io object (its metadata); returns the object as stored after it.</summary>
    public async Task<JsonObject> PatchAsync(WatchedResource resource, string ns, string name, JsonObject patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var updated = await _client.CustomObjects.PatchNamespacedCustomObjectAsync(
            MergePatch(patch), resource.Group, resource.Version, ns, resource.Plural, name, fieldManager: FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        return AsObject(updated, resource);
    }

    /// <summary>Creates a metallb.io object; false when one of that name exists already (another replica was first).</summary>
    public async Task<bool> TryCreateAsync(WatchedResource resource, string ns, JsonObject body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        try
        {
            await _client.CustomObjects.CreateNamespacedCustomObjectAsync(
                body, resource.Group, resource.Version, ns, resource.Plural, fieldManager: FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>Deletes a metallb.io object; one already gone counts as deleted.</summary>
    public async Task DeleteAsync(WatchedResource resource, string ns, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        try
        {
            await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(
                resource.Group, resource.Version, ns, resource.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Someone else deleted it: the outcome asked for.
        }
    }

    /// <summary>Records a core/v1 Event about a Service.</summary>
    public Task CreateServiceEventAsync(JsonObject service, ServiceEvent serviceEvent, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(serviceEvent);
        var ns = ObjectJson.Namespace(service);
        var name = ObjectJson.Name(service);
        var body = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = name + ".", NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = "v1",
                Kind = "Service",
                Name = name,
                NamespaceProperty = ns,
                Uid = ObjectJson.Uid(service),
                ResourceVersion = ObjectJson.ResourceVersion(service),
            },
            Type = serviceEvent.Type,
            Reason = serviceEvent.Reason,
            Message = serviceEvent.Message,
            Source = new V1EventSource { Component = FieldManager },
            ReportingComponent = FieldManager,
            ReportingInstance = Environment.MachineName,
            FirstTimestamp = at.UtcDateTime,
            LastTimestamp = at.UtcDateTime,
            Count = 1,
        };
        return _client.CoreV1.CreateNamespacedEventAsync(body, ns, cancellationToken: cancellationToken);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>The connection settings: the kubeconfig named, else in-cluster when running in a pod, else $KUBECONFIG or ~/.kube/config.</summary>
    private static KubernetesClientConfiguration ClientConfiguration(KubernetesSourceOptions options)
    {
        if (options.Kubeconfig is { } path)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        }

        return KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile();
    }

    private static JsonObject AsObject(object? answer, WatchedResource resource) =>
        answer is JsonElement element && JsonObject.Create(element) is { } json
            ? (JsonObject)json.DeepClone()
            : throw new JsonException($"the patched {resource.Kind} was not an object");

    private static V1Patch MergePatch(JsonObject patch) => new(patch.ToJsonString(), V1Patch.PatchType.MergePatch);

    private static JsonObject ToJson(V1Service service) =>
        JsonNode.Parse(KubernetesJson.Serialize(service)) as JsonObject ?? throw new JsonException("the patched Service was not an object");
}
