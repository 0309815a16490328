using System.Text.Json.Nodes;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Planning;
using IronLb.Ipam.Reconciliation;
using Microsoft.Extensions.Options;

namespace IronLb.Ipam.Kubernetes;

/// <summary>
/// After each reconcile, patches the status of every IPAddressPool whose counters changed, in MetalLB's form
/// (assignedIPv4, assignedIPv6, availableIPv4, availableIPv6), so `kubectl get ipaddresspool -o yaml` tells what it
/// told under MetalLB. The pool as the watch last saw it is compared first: a resync that changes nothing writes
/// nothing, and two replicas write the same values.
/// </summary>
internal sealed partial class PoolStatusWriter(
    KubernetesApi api,
    ClusterObjectCache cache,
    IOptions<IpamOptions> options,
    ILogger<PoolStatusWriter> logger) : IStatusWriter
{
    private static readonly string[] CounterNames = ["assignedIPv4", "assignedIPv6", "availableIPv4", "availableIPv6"];

    public async Task WriteAsync(ReconcileResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Stale)
        {
            return;
        }

        var ns = options.Value.Kubernetes.MetalLbNamespace;
        foreach (var pool in result.Pools)
        {
            var desired = Status(pool);
            if (cache.Find(WatchedResource.IpAddressPools, ns, pool.Pool) is not { } current || JsonNode.DeepEquals(Counters(current["status"]), desired))
            {
                continue;
            }

            try
            {
                cache.Update(WatchedResource.IpAddressPools, await api.PatchPoolStatusAsync(ns, pool.Pool, new JsonObject { ["status"] = desired }, cancellationToken).ConfigureAwait(false));
                LogWritten(logger, pool.Pool);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogWriteFailed(logger, pool.Pool, ex);
            }
        }
    }

    /// <summary>The status MetalLB writes for a pool; the schema's integers are 64-bit, so IPv6 counts saturate there.</summary>
    public static JsonObject Status(PoolStatus pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return new JsonObject
        {
            ["assignedIPv4"] = Saturated(pool.AssignedIPv4),
            ["assignedIPv6"] = Saturated(pool.AssignedIPv6),
            ["availableIPv4"] = Saturated(pool.AvailableIPv4),
            ["availableIPv6"] = Saturated(pool.AvailableIPv6),
        };
    }

    /// <summary>The four counters of a stored status, whatever else it holds, for comparing with <see cref="Status"/>.</summary>
    public static JsonObject? Counters(JsonNode? status) =>
        status is JsonObject stored
            ? new JsonObject([.. CounterNames
                .Where(stored.ContainsKey)
                .Select(k => KeyValuePair.Create(k, stored[k]?.DeepClone()))])
            : null;

    private static long Saturated(UInt128 value) => value > (UInt128)long.MaxValue ? long.MaxValue : (long)value;

    [LoggerMessage(EventId = 60, Level = LogLevel.Debug, Message = "IPAddressPool {Pool} status written")]
    private static partial void LogWritten(ILogger logger, string pool);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "Writing IPAddressPool {Pool} status failed; trying again on the next reconcile")]
    private static partial void LogWriteFailed(ILogger logger, string pool, Exception exception);
}
