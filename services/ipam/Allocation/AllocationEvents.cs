using IronLb.Core.Events;

namespace IronLb.Ipam.Allocation;

/// <summary>Ties the allocation document to the public event stream: per-Service versions, and the Services' states to diff.</summary>
internal static class AllocationEvents
{
    /// <summary>
    /// <paramref name="next"/> with each Service's Since carried over from <paramref name="stored"/> while its public state
    /// (pool and addresses, or failure reason) is unchanged, and set to the new version where it changed.
    /// </summary>
    public static AllocationDocument Stamp(AllocationDocument next, AllocationDocument stored)
    {
        var held = stored.Allocations.ToDictionary(a => (a.Namespace, a.Name));
        var failed = (stored.Unserved ?? []).ToDictionary(u => (u.Namespace, u.Name));
        return next with
        {
            Allocations = [.. next.Allocations.Select(a => held.TryGetValue((a.Namespace, a.Name), out var was)
                && string.Equals(was.Pool, a.Pool, StringComparison.Ordinal) && was.Addresses.SequenceEqual(a.Addresses, StringComparer.Ordinal)
                    ? a with { Since = was.Since }
                    : a with { Since = next.Version })],
            Unserved = [.. (next.Unserved ?? []).Select(u => failed.TryGetValue((u.Namespace, u.Name), out var was)
                && string.Equals(was.Reason, u.Reason, StringComparison.Ordinal)
                    ? u with { Since = was.Since }
                    : u with { Since = next.Version })],
        };
    }

    /// <summary>Every Service in <paramref name="document"/> as the public event diff sees it.</summary>
    public static IEnumerable<ServiceAddressState> States(AllocationDocument document) =>
        document.Allocations.Select(a => new ServiceAddressState(a.Namespace, a.Name, a.Pool, a.Addresses, null, a.Since))
            .Concat((document.Unserved ?? []).Select(u => new ServiceAddressState(u.Namespace, u.Name, null, [], u.Reason, u.Since)));

    /// <summary>The public events of replacing <paramref name="stored"/> by <paramref name="written"/>.</summary>
    public static IReadOnlyList<IntegrationEvent> Diff(AllocationDocument stored, AllocationDocument written) =>
        ServiceEventDiff.Diff(States(stored), States(written), written.Version);
}
