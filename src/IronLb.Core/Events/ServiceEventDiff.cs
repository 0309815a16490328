using System.Net;
using System.Net.Sockets;

namespace IronLb.Core.Events;

/// <summary>One Service as ipam stored it: addresses from a pool, or the reason it has none.</summary>
/// <param name="Namespace">The Service's namespace.</param>
/// <param name="Name">The Service's name.</param>
/// <param name="Pool">The pool, or null when it has no addresses.</param>
/// <param name="Addresses">Its addresses, primary family first; empty when unserved.</param>
/// <param name="Failure">Why it has no addresses, or null.</param>
/// <param name="Since">The allocation version at which this state was first stored (0 = unknown, a document written before events).</param>
public sealed record ServiceAddressState(string Namespace, string Name, string? Pool, IReadOnlyList<string> Addresses, string? Failure, long Since)
{
    /// <summary>Whether <paramref name="other"/> is the same state for an integrator: pool, addresses and failure.</summary>
    public bool SameAs(ServiceAddressState other) =>
        other is not null
        && string.Equals(Pool, other.Pool, StringComparison.Ordinal)
        && string.Equals(Failure, other.Failure, StringComparison.Ordinal)
        && Addresses.SequenceEqual(other.Addresses, StringComparer.Ordinal);
}

/// <summary>
/// The public events of one allocation write: the difference between the Services as stored before and after it.
/// Pure: the caller emits the result only after the compare-and-swap that stored <c>after</c> succeeded.
/// </summary>
public static class ServiceEventDiff
{
    /// <summary>
    /// One event per Service whose state differs; its version is the allocation version that stored the new state
    /// (<paramref name="version"/>), its previous version the one that stored the old state.
    /// </summary>
    public static IReadOnlyList<IntegrationEvent> Diff(IEnumerable<ServiceAddressState> before, IEnumerable<ServiceAddressState> after, long version)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = before.ToDictionary(s => (s.Namespace, s.Name));
        var events = new List<IntegrationEvent>();
        foreach (var now in after.OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal))
        {
            old.Remove((now.Namespace, now.Name), out var was);
            if (was is not null && was.SameAs(now))
            {
                continue;
            }

            events.Add(Transition(was, now, version));
        }

        foreach (var gone in old.Values.OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal))
        {
            events.Add(Released(gone, version));
        }

        return events;
    }

    /// <summary>"IPv4"/"IPv6" for each family present in <paramref name="addresses"/>, in first-seen order.</summary>
    public static IReadOnlyList<string> Families(IEnumerable<string> addresses) =>
        [.. addresses.Select(a => IPAddress.TryParse(a, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4").Distinct(StringComparer.Ordinal)];

    private static IntegrationEvent Transition(ServiceAddressState? was, ServiceAddressState now, long version)
    {
        var subject = EventSubjects.Service(now.Namespace, now.Name);
        var previous = was?.Since ?? 0;
        var previousAddresses = was?.Addresses ?? [];
        if (now.Failure is not null || now.Addresses.Count == 0)
        {
            return new IntegrationEvent(EventTypes.AllocationFailed, subject, version, previous,
                new EventData.AllocationFailed(now.Namespace, now.Name, now.Failure ?? "no addresses", previousAddresses));
        }

        var type = was is null || was.Addresses.Count == 0 ? EventTypes.AddressesAssigned : EventTypes.AddressesChanged;
        return new IntegrationEvent(type, subject, version, previous,
            new EventData.ServiceAddresses(now.Namespace, now.Name, now.Pool ?? "", now.Addresses, Families(now.Addresses), previousAddresses));
    }

    private static IntegrationEvent Released(ServiceAddressState gone, long version) =>
        new(EventTypes.AddressesReleased, EventSubjects.Service(gone.Namespace, gone.Name), version, gone.Since,
            new EventData.ServiceAddresses(gone.Namespace, gone.Name, gone.Pool ?? "", [], [], gone.Addresses));
}
