using System.Net;

namespace IronLb.Layer2.Announcing;

/// <summary>Chooses the interfaces an owned address is announced on, by MetalLB's L2Advertisement rules.</summary>
internal static class InterfaceSelection
{
    /// <summary>Named interfaces when the advertisement lists some; otherwise every up, non-loopback interface on the
    /// address's subnet, or all of them when none is (a VIP range is often not configured on any interface).</summary>
    public static IReadOnlyList<LinkInterface> Select(OwnedAddress owned, IReadOnlyList<LinkInterface> interfaces)
    {
        ArgumentNullException.ThrowIfNull(owned);
        ArgumentNullException.ThrowIfNull(interfaces);
        var candidates = interfaces.Where(i => i.IsCandidate).ToList();
        if (owned.AllowedInterfaces.Count > 0)
        {
            return candidates.Where(i => owned.AllowedInterfaces.Contains(i.Name, StringComparer.Ordinal)).ToList();
        }

        var onLink = candidates.Where(i => i.IsOnLink(owned.Address)).ToList();
        return onLink.Count > 0 ? onLink : candidates;
    }

    public static IReadOnlyList<LinkInterface> Select(IPAddress address, IReadOnlyList<LinkInterface> interfaces) =>
        Select(new OwnedAddress(address, [], 0), interfaces);
}
