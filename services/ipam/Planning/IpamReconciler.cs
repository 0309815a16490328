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
/// <param name="IntentsVersion">The sum of the stored intents shards' versions after the reconcile: grows with every shard write.</param>
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
/// <item>Intents are derived from the allocations, and written only after them, one compare-and-swap per intents
/// shard (<see cref="IntentShards"/>) whose content changed, each tagged with the allocation version it comes from
/// (<see cref="IntentSet.AllocationVersion"/>); a shard derived from a newer allocation version is never replaced. A
/// crash or a lost race between the writes leaves shards behind the allocations, never ahead of them, and the next
/// reconcile of any replica finishes the job. One "intents changed" names the shards written.</item>
/// </list>
/// Between calls a replica remembers only what it knows the intents shards hold (<see cref="IntentShardMemo"/>), and
/// trusts that only while the stored allocations are still those it last saw or wrote; otherwise, after any failure and
/// after a restart it reads every shard, so it always starts from exactly what is stored. It also keeps the highest
/// version it saw of each shard, so a shard's versions never go back while the replica lives, even when the store
/// lost it (a consumer takes a shard whose version differs from the one it holds).
/// </summary>
internal sealed partial class IpamReconciler(
    IStateStore store, IEventPublisher publisher, IntegrationEvents events, IOptions<AllocationOptions> options, ILogger<IpamReconciler> logger)
{
    // What this replica knows the intents shards hold; taken (set to null) by each reconcile, so a concurrent call on
    // the same instance reads every shard instead of sharing it.
    private IntentShardMemo? _memo;
    private readonly VersionFloor[] _shardVersions = [.. Enumerable.Range(0, IntentShards.Count).Select(_ => new VersionFloor())];

    // The allocation version numbers the public events of every Service (their version and previous version): it must not
    // go back after the store lost the document either, or consumers would drop the new events as duplicates.
    private readonly VersionFloor _allocationVersions = new();

    /// <summary>Converges to <paramref name="configuration"/>, whose version is <paramref name="configVersion"/> (monotonic).</summary>
    /// <exception cref="StateConflictException">Every attempt lost to another writer.</exception>
    public async Task<ReconcileResult> ReconcileAsync(ClusterConfiguration configuration, long configVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // A reconcile that fails half-way leaves no memo: what it stored is unknown, so the next one reads every shard.
        var known = Interlocked.Exchange(ref _memo, null);
        var maxAttempts = Math.Max(1, options.Value.MaxWriteAttempts);

        // No delay between rounds: losing a compare-and-swap means another replica just wrote, so re-reading
        // makes progress; the attempt bound keeps a pathological storm finite.
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = await ReadAllocationsAsync(cancellationToken).ConfigureAwait(false);
            var stored = Read(entry, AllocationDocument.Empty);

            // The memo is only as good as the allocations it was derived from: another replica's allocation write
            // may have come with intents of its own.
            var memo = known is not null && known.AllocationVersion == stored.Version ? known : null;
            var solution = AllocationSolver.Solve(configuration, stored.ToHeld(), options.Value.LoadBalancerClass, configuration.NamespaceLabels);
            if (stored.ConfigVersion > configVersion)
            {
                // A replica still on an older configuration would release Services it cannot yet see.
                Log.StaleConfiguration(logger, configVersion, stored.ConfigVersion);
                return new ReconcileResult(false, true, stored.Version, memo?.VersionSum ?? 0, solution.Plans, solution.Allocator.Status(), attempt);
            }

            var allocations = AllocationDocument.From(solution.Allocator.Assignments);
            var unserved = solution.Plans.Where(p => p.Error is not null).OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => new UnservedService(p.Namespace, p.Name, p.Error!)).ToList();
            var allocationVersion = stored.Version;
            var allocationsWritten = false;
            if (!stored.SameAllocations(allocations) || !stored.SameUnserved(unserved) || stored.ConfigVersion != configVersion)
            {
                var nextDocument = AllocationEvents.Stamp(new AllocationDocument(_allocationVersions.Next(stored.Version), configVersion, allocations, unserved), stored);
                if (!await store.TrySaveAsync(AllocationDocument.StateKey, Serialize(nextDocument), entry.ETag, cancellationToken).ConfigureAwait(false))
                {
                    Log.WriteConflict(logger, attempt);
                    continue;
                }

                // Public events only now that the compare-and-swap stored the change: a lost race or a replayed doorbell emits nothing.
                events.Emit(IpamRegistration.Component, AllocationEvents.Diff(stored, nextDocument));

                _allocationVersions.Note(nextDocument.Version);
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
            var (intentsWritten, intentsVersion) = await WriteIntentsAsync(intents, allocationVersion, memo, maxAttempts, cancellationToken).ConfigureAwait(false);
            return new ReconcileResult(allocationsWritten || intentsWritten, false, allocationVersion, intentsVersion, solution.Plans, solution.Allocator.Status(), attempt);
        }

        throw new StateConflictException(AllocationDocument.StateKey, maxAttempts);
    }

    // The allocation document, created as genesis first when absent: every later write is a compare-and-swap from an existing version.
    private async Task<StateEntry> ReadAllocationsAsync(CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(AllocationDocument.StateKey, cancellationToken).ConfigureAwait(false);
        if (entry.Exists)
        {
            return entry;
        }

        await store.EnsureAsync(AllocationDocument.StateKey, cancellationToken).ConfigureAwait(false);
        return await store.GetAsync(AllocationDocument.StateKey, cancellationToken).ConfigureAwait(false);
    }

    // The contracts' JSON form: web defaults (camelCase), the same the other services read with.
    private static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, StateStoreJsonExtensions.DefaultOptions);

    // Genesis (JSON null) reads as the empty document.
    private static T Read<T>(StateEntry entry, T empty) =>
        entry.Value is null ? empty : JsonSerializer.Deserialize<T>(entry.Value, StateStoreJsonExtensions.DefaultOptions) ?? empty;
}
