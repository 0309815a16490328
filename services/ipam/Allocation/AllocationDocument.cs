using System.Globalization;

namespace IronLb.Ipam.Allocation;

/// <summary>Every Service's addresses as stored in the state store: the allocator's durable truth, written by compare-and-swap.</summary>
/// <param name="Version">Grows by one with every write.</param>
/// <param name="ConfigVersion">The configuration version it was computed from; a replica holding an older one must not overwrite it.</param>
/// <param name="Allocations">One per Service holding addresses, sorted by namespace then name.</param>
/// <param name="Unserved">The Services that get no address and why, sorted; null in documents written before it existed.</param>
public sealed record AllocationDocument(long Version, long ConfigVersion, IReadOnlyList<StoredAllocation> Allocations, IReadOnlyList<UnservedService>? Unserved = null)
{
    /// <summary>The state key the document lives under.</summary>
    public const string StateKey = "ipam/allocations";

    public static AllocationDocument Empty { get; } = new(0, 0, []);

    internal Dictionary<ServiceKey, AddressAssignment> ToHeld()
    {
        var held = new Dictionary<ServiceKey, AddressAssignment>();
        foreach (var allocation in Allocations)
        {
            var addresses = new List<IpAddressValue>(allocation.Addresses.Count);
            foreach (var text in allocation.Addresses)
            {
                // An unreadable address cannot be held; the Service is simply allocated again.
                if (IpAddressValue.TryParse(text, out var address))
                {
                    addresses.Add(address);
                }
            }

            var service = new ServiceKey(allocation.Namespace, allocation.Name);
            held[service] = new AddressAssignment(service, allocation.Pool, addresses, allocation.SharingKey, allocation.BackendKey ?? "", [.. (allocation.Ports ?? []).Select(ParsePort)]);
        }

        return held;
    }

    internal static IReadOnlyList<StoredAllocation> From(IEnumerable<AddressAssignment> assignments) =>
        [.. assignments.OrderBy(a => a.Service).Select(a => new StoredAllocation(
            a.Service.Namespace,
            a.Service.Name,
            a.Pool,
            [.. a.Addresses.Select(x => x.ToString())],
            a.SharingKey,
            a.BackendKey,
            [.. a.Ports.Select(p => p.Protocol + "/" + p.Port.ToString(CultureInfo.InvariantCulture))]))];

    private static PortKey ParsePort(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? new PortKey(text[..slash], port)
            : new PortKey(text, 0);
    }

    internal bool SameAllocations(IReadOnlyList<StoredAllocation> other) =>
        Allocations.Count == other.Count && Allocations.Zip(other).All(p => p.First.SameAs(p.Second));

    internal bool SameUnserved(IReadOnlyList<UnservedService> other) =>
        (Unserved ?? []).Select(u => (u.Namespace, u.Name, u.Reason)).SequenceEqual(other.Select(u => (u.Namespace, u.Name, u.Reason)));
}

/// <summary>A Service that gets no address, and why: kept so its public allocation.failed event is emitted once per change.</summary>
/// <param name="Namespace">The Service's namespace.</param>
/// <param name="Name">The Service's name.</param>
/// <param name="Reason">Why it has no address.</param>
/// <param name="Since">The document version that first stored this reason (its event version).</param>
public sealed record UnservedService(string Namespace, string Name, string Reason, long Since = 0);

/// <summary>One Service's stored addresses.</summary>
/// <param name="Namespace">The Service's namespace.</param>
/// <param name="Name">The Service's name.</param>
/// <param name="Pool">The pool the addresses come from.</param>
/// <param name="Addresses">The addresses in text form, primary family first.</param>
/// <param name="SharingKey">The allow-shared-ip key they were assigned with, or null.</param>
/// <param name="BackendKey">The backend key (Local traffic policy selector) they were assigned with.</param>
/// <param name="Ports">The ports they were assigned with, as "PROTOCOL/PORT".</param>
/// <param name="Since">The document version that first stored this pool and these addresses (their public event version); 0 = unknown.</param>
public sealed record StoredAllocation(
    string Namespace,
    string Name,
    string Pool,
    IReadOnlyList<string> Addresses,
    string? SharingKey,
    string? BackendKey,
    IReadOnlyList<string>? Ports,
    long Since = 0)
{
    internal bool SameAs(StoredAllocation other) =>
        string.Equals(Namespace, other.Namespace, StringComparison.Ordinal)
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && string.Equals(Pool, other.Pool, StringComparison.Ordinal)
        && Addresses.SequenceEqual(other.Addresses, StringComparer.Ordinal)
        && string.Equals(SharingKey, other.SharingKey, StringComparison.Ordinal)
        && string.Equals(BackendKey, other.BackendKey, StringComparison.Ordinal)
        && (Ports ?? []).SequenceEqual(other.Ports ?? [], StringComparer.Ordinal);
}
