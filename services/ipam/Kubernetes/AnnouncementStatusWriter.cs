using System.Text.Json.Nodes;
using IronLb.Core.Contracts;
using IronLb.Core.State;
using Microsoft.Extensions.Options;

namespace IronLb.Ipam.Kubernetes;

/// <summary>
/// Writes what MetalLB's speakers and controller write about their work: a ServiceL2Status or ServiceBGPStatus per
/// announcing node and Service, the nodeAssigned and announceFailed Events, and the ConfigurationState "controller".
/// </summary>
/// <remarks>
/// Only ipam holds API rights. The node agents report what they announce into the state store (one key per agent and
/// node, <see cref="NodeReportKeys"/>), and every <see cref="KubernetesSourceOptions.StatusInterval"/> this loop reads
/// the reports of the cluster's Nodes, lists the status objects there are, and creates, patches or deletes the
/// difference. Every write is of a whole value, so two ipam replicas converge on the same objects (names are derived
/// from Service and node). A failed request is logged and made good on the next pass; it never stops the loop.
/// </remarks>
internal sealed partial class AnnouncementStatusWriter(
    KubernetesApi api,
    ClusterObjectCache cache,
    IStateStore store,
    ConfigurationVerdict verdict,
    IOptions<IpamOptions> options,
    TimeProvider time,
    ILogger<AnnouncementStatusWriter> logger) : BackgroundService
{
    // What the last pass saw announced; null before the first pass, which takes it from the objects already written
    // (a restarted ipam records no second nodeAssigned for what was announced before).
    private IReadOnlySet<string>? _seen;

    /// <summary>One pass: the ConfigurationState, then the status objects and Events. Skipped until the watches have synced.</summary>
    public async Task WriteOnceAsync(CancellationToken cancellationToken)
    {
        if (!cache.IsSynced)
        {
            return;
        }

        var ns = options.Value.Kubernetes.MetalLbNamespace;
        await WriteConfigurationStateAsync(ns, cancellationToken).ConfigureAwait(false);

        var snapshot = cache.Snapshot();
        var services = snapshot[WatchedResource.Services].ToDictionary(s => ObjectJson.Namespace(s) + "/" + ObjectJson.Name(s), StringComparer.Ordinal);
        var live = services.Keys.ToHashSet(StringComparer.Ordinal);
        var reports = await ReadReportsAsync([.. snapshot[WatchedResource.Nodes].Select(ObjectJson.Name)], cancellationToken).ConfigureAwait(false);
        var layer2 = await ListAllAsync(AnnouncementStatusPlan.Layer2Statuses, cancellationToken).ConfigureAwait(false);
        var bgp = await ListAllAsync(AnnouncementStatusPlan.BgpStatuses, cancellationToken).ConfigureAwait(false);
        _seen ??= AnnouncementStatusPlan.SeenIn("layer2", layer2).Concat(AnnouncementStatusPlan.SeenIn("bgp", bgp)).ToHashSet(StringComparer.Ordinal);

        var desired = AnnouncementStatusPlan.Desired(reports, live);
        var existing = layer2.Select(o => (Resource: AnnouncementStatusPlan.Layer2Statuses, Item: o))
            .Concat(bgp.Select(o => (Resource: AnnouncementStatusPlan.BgpStatuses, Item: o)))
            .ToDictionary(e => (e.Resource.Plural, ObjectJson.Name(e.Item)), e => e.Item);
        foreach (var wanted in desired)
        {
            await TryWriteAsync(ns, wanted, existing.GetValueOrDefault((wanted.Resource.Plural, wanted.Name)), cancellationToken).ConfigureAwait(false);
        }

        var keep = desired.Select(d => (d.Resource.Plural, d.Name)).ToHashSet();
        foreach (var ((plural, name), _) in existing.Where(e => !keep.Contains(e.Key)))
        {
            await TryDeleteAsync(plural == AnnouncementStatusPlan.Layer2Statuses.Plural ? AnnouncementStatusPlan.Layer2Statuses : AnnouncementStatusPlan.BgpStatuses, ns, name, cancellationToken).ConfigureAwait(false);
        }

        foreach (var news in AnnouncementStatusPlan.News(reports, live, _seen))
        {
            await TryRecordAsync(services[news.ServiceNamespace + "/" + news.ServiceName], news.Event, cancellationToken).ConfigureAwait(false);
        }

        _seen = AnnouncementStatusPlan.Seen(reports, live);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WriteOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The store or the API is out of reach: what is written stays; the next pass tries again.
                LogPassFailed(logger, ex);
            }

            try
            {
                await Task.Delay(options.Value.Kubernetes.StatusInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }

    /// <summary>A merge patch that turns <paramref name="current"/> into <paramref name="desired"/>: fields it lacks are nulled.</summary>
    internal static JsonObject Patch(JsonNode? current, JsonObject desired)
    {
        var patch = (JsonObject)desired.DeepClone();
        foreach (var (key, _) in current as JsonObject ?? [])
        {
            if (!desired.ContainsKey(key))
            {
                patch[key] = null;
            }
        }

        return patch;
    }

    private async Task<IReadOnlyList<NodeReport>> ReadReportsAsync(IReadOnlyList<string> nodes, CancellationToken cancellationToken)
    {
        var keys = nodes.SelectMany(n => NodeReportKeys.Agents.Select(a => NodeReportKeys.For(a, n))).ToList();
        if (keys.Count == 0)
        {
            return [];
        }

        var entries = await store.GetBulkAsync(keys, cancellationToken).ConfigureAwait(false);
        return [.. entries.Where(e => e.Value is not null).Select(e => ContractJson.Deserialize<NodeReport>(e.Value)).OfType<NodeReport>()];
    }

    private async Task<List<JsonObject>> ListAllAsync(WatchedResource resource, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        string? next = null;
        do
        {
            var page = await api.ListAsync(resource, next, cancellationToken).ConfigureAwait(false);
            items.AddRange(page.Items);
            next = page.Continue;
        }
        while (next is not null);
        return items;
    }

    private async Task WriteConfigurationStateAsync(string ns, CancellationToken cancellationToken)
    {
        if (verdict.Status() is not { } desired)
        {
            return;
        }

        var states = ConfigurationVerdict.ConfigurationStates;
        try
        {
            var current = (await ListAllAsync(states, cancellationToken).ConfigureAwait(false)).FirstOrDefault(o => ObjectJson.Name(o) == ConfigurationVerdict.ObjectName);
            if (current is null)
            {
                await api.TryCreateAsync(states, ns, NewObject(states, ns, ConfigurationVerdict.ObjectName, new JsonObject { [ConfigurationVerdict.ComponentTypeLabel] = "controller" }, []), cancellationToken).ConfigureAwait(false);
            }

            if (!JsonNode.DeepEquals(current?["status"], desired))
            {
                await api.PatchStatusAsync(states, ns, ConfigurationVerdict.ObjectName, new JsonObject { ["status"] = Patch(current?["status"], desired) }, cancellationToken).ConfigureAwait(false);
                LogConfigurationStateWritten(logger, desired["result"]!.GetValue<string>());
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogWriteFailed(logger, states.Kind, ConfigurationVerdict.ObjectName, ex);
        }
    }

    private async Task TryWriteAsync(string ns, AnnouncementStatusObject wanted, JsonObject? current, CancellationToken cancellationToken)
    {
        try
        {
            var labels = wanted.Labels();
            var owners = wanted.OwnerReferences();
            if (current is null)
            {
                await api.TryCreateAsync(wanted.Resource, ns, NewObject(wanted.Resource, ns, wanted.Name, labels, owners), cancellationToken).ConfigureAwait(false);
            }
            else if (!labels.All(l => ObjectJson.String(current, "metadata", "labels", l.Key) == l.Value?.GetValue<string>())
                || !JsonNode.DeepEquals(current["metadata"]?["ownerReferences"] ?? new JsonArray(), owners))
            {
                // The agent's pod was replaced: the objects follow the new one.
                var metadata = new JsonObject { ["labels"] = labels, ["ownerReferences"] = owners };
                await api.PatchAsync(wanted.Resource, ns, wanted.Name, new JsonObject { ["metadata"] = metadata }, cancellationToken).ConfigureAwait(false);
            }

            // A created object's status is empty: the API server ignores status on create when there is a subresource.
            if (!JsonNode.DeepEquals(current?["status"], wanted.Status))
            {
                await api.PatchStatusAsync(wanted.Resource, ns, wanted.Name, new JsonObject { ["status"] = Patch(current?["status"], wanted.Status) }, cancellationToken).ConfigureAwait(false);
                LogStatusObjectWritten(logger, wanted.Resource.Kind, wanted.Name, wanted.ServiceNamespace, wanted.ServiceName, wanted.Node);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogWriteFailed(logger, wanted.Resource.Kind, wanted.Name, ex);
        }
    }

    private async Task TryDeleteAsync(WatchedResource resource, string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            await api.DeleteAsync(resource, ns, name, cancellationToken).ConfigureAwait(false);
            LogStatusObjectDeleted(logger, resource.Kind, name);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogWriteFailed(logger, resource.Kind, name, ex);
        }
    }

    private async Task TryRecordAsync(JsonObject service, ServiceEvent serviceEvent, CancellationToken cancellationToken)
    {
        try
        {
            await api.CreateServiceEventAsync(service, serviceEvent, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogEventFailed(logger, serviceEvent.Reason, ObjectJson.Namespace(service), ObjectJson.Name(service), ex);
        }
    }

    private static JsonObject NewObject(WatchedResource resource, string ns, string name, JsonObject labels, JsonArray owners)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels };
        if (owners.Count > 0)
        {
            metadata["ownerReferences"] = owners;
        }

        return new JsonObject { ["apiVersion"] = resource.ApiVersion, ["kind"] = resource.Kind, ["metadata"] = metadata };
    }

    [LoggerMessage(EventId = 3131, Level = LogLevel.Debug, Message = "{Kind} {Name} written: Service {Namespace}/{Service} from node {Node}")]
    private static partial void LogStatusObjectWritten(ILogger logger, string kind, string name, string @namespace, string service, string node);

    [LoggerMessage(EventId = 3132, Level = LogLevel.Debug, Message = "{Kind} {Name} deleted")]
    private static partial void LogStatusObjectDeleted(ILogger logger, string kind, string name);

    [LoggerMessage(EventId = 3133, Level = LogLevel.Information, Message = "ConfigurationState written: {Result}")]
    private static partial void LogConfigurationStateWritten(ILogger logger, string result);

    [LoggerMessage(EventId = 3134, Level = LogLevel.Warning, Message = "Could not write {Kind} {Name}; trying again on the next pass")]
    private static partial void LogWriteFailed(ILogger logger, string kind, string name, Exception exception);

    [LoggerMessage(EventId = 3135, Level = LogLevel.Warning, Message = "Could not record a {Reason} Event on Service {Namespace}/{Name}")]
    private static partial void LogEventFailed(ILogger logger, string reason, string @namespace, string name, Exception exception);

    [LoggerMessage(EventId = 3136, Level = LogLevel.Warning, Message = "Writing the status objects failed; trying again on the next pass")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
