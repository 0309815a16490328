using System.Text.Json;
using IronLb.Core.Configuration;
using IronLb.Core.Contracts;
using IronLb.Core.Events;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Intents;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronLb.Ipam.Planning;

/// <summary>What one reconcile did.</summary>
/// <param name="Written">True when it changed the stored allocations or intents.</param>
/// <param name="Stale">True when the stored allocations come from a newer configuration, so nothing was written.</param>
/// <param name="AllocationVersion">The stored allocations' version after the reconcile.</param>
/// <param name="IntentsVersion">The stored intents' version after the reconcile.</param>
/// <param name="Plans">Per handled Service: addresses and pool (for Service status and metallb.io/ip-allocated-from-pool) or the reason it has none.</param>
/// <param name="Pools">Pool counters for IPAddressPool status.</param>
/// <param name="Attempts">Read-compute-write rounds it took.</param>
public sealed record ReconcileResult(
    bool Written,
    bool Stale,
    long AllocationVersion,
    long IntentsVersion,
    IReadOnlyList<ServicePlan> Plans,
    IReadOnlyList<PoolStatus> Pools,
    int Attempts);

/// <summary>
/// Converges the stored allocations and announcement intents to a configuration. Any number of replicas may run it at
/// once against one state store, which gives compare-and-swap on one key and nothing more (no create-if-absent, no
/// multi-key transaction; see <see cref="IStateStore"/>):
/// <list type="number">
/// <item>The allocation document is the only truth about who holds which address. Each round reads it, computes the
/// result with <see cref="AllocationSolver"/> from what is held, and writes it by compare-and-swap on the ETag it read,
/// so a replica that lost the race recomputes from the winner's allocations instead of overwriting them. An absent
/// document is first created as genesis (<see cref="StateGenesis"/>), never by an unconditional write.</item>
/// <item>Intents are derived from the allocations, and written only after them, in a second compare-and-swap tagged
/// with the allocation version they come from (<see cref="IntentSet.AllocationVersion"/>); intents derived from a
/// newer allocation version are never replaced. A crash or a lost race between the two writes leaves intents behind
/// the allocations, never ahead of them, and the next reconcile of any replica finishes the job.</item>
/// </list>
/// Nothing is cached between calls: a restarted replica starts from exactly what is stored.
/// </summary>
internal sealed partial class IpamReconciler(
    IStateStore store, IEventPublisher publisher, IntegrationEvents events, IOptions<AllocationOptions> options, ILogger<IpamReconciler> logger)
{
    private static readonly string[] Keys = [AllocationDocument.StateKey, StateKeys.Intents];

    /// <summary>Converges to <paramref name="configuration"/>, whose version is <paramref name="configVersion"/> (monotonic).</summary>
    /// <exception cref="StateConflictException">Every attempt lost to another writer.</exception>
    public async Task<ReconcileResult> ReconcileAsync(ClusterConfiguration configuration, long configVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var maxAttempts = Math.Max(1, options.Value.MaxWriteAttempts);

        // No delay between rounds: losing a compare-and-swap means another replica just wrote, so re-reading
        // makes progress; the attempt bound keeps a pathological storm finite.
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = await ReadExistingAsync(cancellationToken).ConfigureAwait(false);
            var stored = Read(entries[0], AllocationDocument.Empty);
            var storedIntents = Read(entries[1], IntentSet.Empty);

            var solution = AllocationSolver.Solve(configuration, stored.ToHeld(), options.Value.LoadBalancerClass, configuration.NamespaceLabels);
            if (stored.ConfigVersion > configVersion)
            {
                // A replica still on an older configuration would release Services it cannot yet see.
                Log.StaleConfiguration(logger, configVersion, stored.ConfigVersion);
                return new ReconcileResult(false, true, stored.Version, storedIntents.Version, solution.Plans, solution.Allocator.Status(), attempt);
            }

            var allocations = AllocationDocument.From(solution.Allocator.Assignments);
            var unserved = solution.Plans.Where(p => p.Error is not null).OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => new UnservedService(p.Namespace, p.Name, p.Error!)).ToList();
            var allocationVersion = stored.Version;
            var allocationsWritten = false;
            if (!stored.SameAllocations(allocations) || !stored.SameUnserved(unserved) || stored.ConfigVersion != configVersion)
            {
                var nextDocument = AllocationEvents.Stamp(new AllocationDocument(stored.Version + 1, configVersion, allocations, unserved), stored);
                if (!await store.TrySaveAsync(AllocationDocument.StateKey, Serialize(nextDocument), entries[0].ETag, cancellationToken).ConfigureAwait(false))
                {
                    Log.WriteConflict(logger, attempt);
                    continue;
                }

                // Public events only now that the compare-and-swap stored the change: a lost race or a replayed doorbell emits nothing.
                events.Emit(IpamRegistration.Component, AllocationEvents.Diff(stored, nextDocument));

                allocationVersion = nextDocument.Version;
                allocationsWritten = true;
                Log.AllocationsWritten(logger, nextDocument.Version, configVersion, allocations.Count);
                foreach (var reason in solution.PoolErrors)
                {
                    Log.PoolIgnored(logger, reason);
                }

                foreach (var plan in solution.Plans.Where(p => p.Error is not null))
                {
                    Log.Unserved(logger, plan.Namespace + "/" + plan.Name, plan.Error!);
                }
            }

            var intents = IntentResolver.Resolve(configuration, solution.Allocator.Assignments);
            var (intentsWritten, intentsVersion) = await WriteIntentsAsync(intents, allocationVersion, entries[1], maxAttempts, cancellationToken).ConfigureAwait(false);
            return new ReconcileResult(allocationsWritten || intentsWritten, false, allocationVersion, intentsVersion, solution.Plans, solution.Allocator.Status(), attempt);
        }

        throw new StateConflictException(AllocationDocument.StateKey, maxAttempts);
    }

    // Both documents, each created as genesis first when absent: every later write is a compare-and-swap from an existing version.
    private async Task<IReadOnlyList<StateEntry>> ReadExistingAsync(CancellationToken cancellationToken)
    {
        var entries = await store.GetBulkAsync(Keys, cancellationToken).ConfigureAwait(false);
        if (entries.All(e => e.Exists))
        {
            return entries;
        }

        foreach (var absent in entries.Where(e => !e.Exists))
        {
            await store.EnsureAsync(absent.Key, cancellationToken).ConfigureAwait(false);
        }

        return await store.GetBulkAsync(Keys, cancellationToken).ConfigureAwait(false);
    }

    // The contracts' JSON form: web defaults (camelCase), the same the other services read with.
    private static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, StateStoreJsonExtensions.DefaultOptions);

    // Genesis (JSON null) reads as the empty document.
    private static T Read<T>(StateEntry entry, T empty) =>
        entry.Value is null ? empty : JsonSerializer.Deserialize<T>(entry.Value, StateStoreJsonExtensions.DefaultOptions) ?? empty;
}
