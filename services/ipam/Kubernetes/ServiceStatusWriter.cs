using System.Text.Json.Nodes;
using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;
using IronLb.Ipam.Reconciliation;

namespace IronLb.Ipam.Kubernetes;

/// <summary>After each reconcile, patches every Service whose status or pool annotation differs from its plan, and records Events.</summary>
/// <remarks>
/// The Service as the watch last saw it is compared with what the plan says (<see cref="ServiceStatusDiff"/>), so a
/// resync that changes nothing writes nothing. The patches name whole values, so two ipam replicas writing one
/// Service leave it the same. Events are remembered per Service in this process: the same one is not recorded again
/// on every resync. A write that fails (refused, timed out, unreadable answer) is logged and tried again on the next
/// reconcile; it never stops the others, nor the reconcile loop.
/// </remarks>
internal sealed partial class ServiceStatusWriter(
    KubernetesApi api,
    ClusterObjectCache cache,
    TimeProvider time,
    ILogger<ServiceStatusWriter> logger) : IStatusWriter, IDisposable
{
    private readonly Dictionary<ServiceKey, ServiceEvent> _recorded = [];
    private readonly SemaphoreSlim _writing = new(1, 1);

    public async Task WriteAsync(ReconcileResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Stale)
        {
            // Plans from a configuration older than the stored allocations' would undo a newer replica's work.
            return;
        }

        // One write-back at a time: the worker's loop and an explicit reconcile may overlap, and the Events
        // remembered must follow the order the writes happened in.
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteAllAsync(result, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    public void Dispose() => _writing.Dispose();

    private async Task WriteAllAsync(ReconcileResult result, CancellationToken cancellationToken)
    {
        foreach (var plan in result.Plans)
        {
            if (cache.Find(WatchedResource.Services, plan.Namespace, plan.Name) is not { } raw || ClusterConfigurationMapper.ReadService(raw) is not { } current)
            {
                continue;
            }

            var change = ServiceStatusDiff.Compute(plan, current);
            if (!await TryPatchAsync(raw, change, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var key = new ServiceKey(plan.Namespace, plan.Name);
            var next = ServiceEvents.Describe(plan);
            if (ServiceEvents.IsNews(next, _recorded.GetValueOrDefault(key), change.Status is not null))
            {
                await TryRecordAsync(raw, next!, cancellationToken).ConfigureAwait(false);
            }

            if (next is not null)
            {
                _recorded[key] = next;
            }
        }

        await ClearAbandonedAsync(cancellationToken).ConfigureAwait(false);
        var planned = result.Plans.Select(p => new ServiceKey(p.Namespace, p.Name)).ToHashSet();
        foreach (var gone in _recorded.Keys.Where(k => !planned.Contains(k)).ToList())
        {
            _recorded.Remove(gone);
        }
    }

    /// <summary>
    /// A Service that stopped being of type LoadBalancer keeps the address IronLB wrote until someone clears it, as
    /// MetalLB does. Only those: a LoadBalancer Service without a plan may belong to another load balancer class.
    /// </summary>
    private async Task ClearAbandonedAsync(CancellationToken cancellationToken)
    {
        var services = cache.Snapshot()[WatchedResource.Services];
        foreach (var raw in services)
        {
            if (ObjectJson.String(raw, "metadata", "annotations", ServiceAnnotations.IpAllocatedFromPool) is null
                || ObjectJson.String(raw, "spec", "type") == ServiceSpec.TypeLoadBalancer
                || ClusterConfigurationMapper.ReadService(raw) is not { } current)
            {
                continue;
            }

            await TryPatchAsync(raw, ServiceStatusDiff.Clear(current), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> TryPatchAsync(JsonObject service, ServiceStatusChange change, CancellationToken cancellationToken)
    {
        var ns = ObjectJson.Namespace(service);
        var name = ObjectJson.Name(service);
        try
        {
            if (change.Status is { } status)
            {
                cache.Update(WatchedResource.Services, await api.PatchServiceStatusAsync(ns, name, status, cancellationToken).ConfigureAwait(false));
                LogStatusWritten(logger, ns, name);
            }

            if (change.Metadata is { } metadata)
            {
                cache.Update(WatchedResource.Services, await api.PatchServiceAsync(ns, name, metadata, cancellationToken).ConfigureAwait(false));
                LogAnnotationWritten(logger, ns, name);
            }

            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogWriteFailed(logger, ns, name, ex);
            return false;
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

    [LoggerMessage(EventId = 3121, Level = LogLevel.Information, Message = "Wrote status.loadBalancer of Service {Namespace}/{Name}")]
    private static partial void LogStatusWritten(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 3122, Level = LogLevel.Information, Message = "Wrote the pool annotation of Service {Namespace}/{Name}")]
    private static partial void LogAnnotationWritten(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 3123, Level = LogLevel.Warning, Message = "Could not write the status of Service {Namespace}/{Name}; trying again on the next reconcile")]
    private static partial void LogWriteFailed(ILogger logger, string @namespace, string name, Exception exception);

    [LoggerMessage(EventId = 3124, Level = LogLevel.Warning, Message = "Could not record a {Reason} Event on Service {Namespace}/{Name}")]
    private static partial void LogEventFailed(ILogger logger, string reason, string @namespace, string name, Exception exception);
}
