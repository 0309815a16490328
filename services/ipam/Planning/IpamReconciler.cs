using System.Text.Json;
using IronLb.Core.Configuration;
using IronLb.Core.Contracts;
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
/// Converges the stored allocations and announcement intents to a configuration. Any number of replicas may
/// run it at once against one state store: each round reads both documents, computes the result with
/// <see cref="AllocationSolver"/> from what is held, and writes both in one transaction conditioned on the
/// ETags it read, so a replica that lost the race recomputes from the winner's allocations instead of
/// overwriting them. Nothing is cached between calls: a restarted replica starts from exactly what is stored.
/// </summary>
internal sealed partial class IpamReconciler(IStateStore store, IEventPublisher publisher, IOptions<AllocationOptions> options, ILogger<IpamReconciler> logger)
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
            var entries = await store.GetBulkAsync(Keys, cancellationToken).ConfigureAwait(false);
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
            var intents = IntentResolver.Resolve(configuration, solution.Allocator.Assignments);
            var allocationsChanged = !stored.SameAllocations(allocations) || stored.ConfigVersion != configVersion;
            var intentsChanged = !Serialize(intents).AsSpan().SequenceEqual(Serialize(storedIntents.Intents));
            if (!allocationsChanged && !intentsChanged)
            {
                return new ReconcileResult(false, false, stored.Version, storedIntents.Version, solution.Plans, solution.Allocator.Status(), attempt);
            }

            var nextDocument = new AllocationDocument(stored.Version + 1, configVersion, allocations);
            var nextIntents = new IntentSet(storedIntents.Version + 1, intents);

            // The allocation document is always part of the write, so its ETag fences every write, intents included.
            var operations = new List<StateOperation> { StateOperation.Upsert(AllocationDocument.StateKey, Serialize(nextDocument), entries[0].ETag) };
            if (intentsChanged)
            {
                operations.Add(StateOperation.Upsert(StateKeys.Intents, Serialize(nextIntents), entries[1].ETag));
            }

            if (!await store.TryTransactAsync(operations, cancellationToken).ConfigureAwait(false))
            {
                Log.WriteConflict(logger, attempt);
                continue;
            }

            Log.AllocationsWritten(logger, nextDocument.Version, configVersion, allocations.Count);
            foreach (var reason in solution.PoolErrors)
            {
                Log.PoolIgnored(logger, reason);
            }

            foreach (var plan in solution.Plans.Where(p => p.Error is not null))
            {
                Log.Unserved(logger, plan.Namespace + "/" + plan.Name, plan.Error!);
            }

            var intentsVersion = storedIntents.Version;
            if (intentsChanged)
            {
                intentsVersion = nextIntents.Version;
                await publisher.PublishAsync(Topics.IntentsChanged, Serialize(new StateChanged(intentsVersion)), cancellationToken).ConfigureAwait(false);
            }

            return new ReconcileResult(true, false, nextDocument.Version, intentsVersion, solution.Plans, solution.Allocator.Status(), attempt);
        }

        throw new StateConflictException(AllocationDocument.StateKey, maxAttempts);
    }

    // The contracts' JSON form: web defaults (camelCase), the same the other services read with.
    private static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, StateStoreJsonExtensions.DefaultOptions);

    private static T Read<T>(StateEntry entry, T empty) =>
        entry.Value is null ? empty : JsonSerializer.Deserialize<T>(entry.Value, StateStoreJsonExtensions.DefaultOptions) ?? empty;
}
