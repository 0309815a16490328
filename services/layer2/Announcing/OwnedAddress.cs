using System.Net;

namespace IronLb.Layer2.Announcing;

/// <summary>One address this node owns for Layer 2, as decided by election.</summary>
/// <param name="Address">The service address (IPv4 or IPv6).</param>
/// <param name="AllowedInterfaces">Interface names from the matching L2Advertisements; empty means any suitable interface.</param>
/// <param name="Epoch">The owner record's epoch; a record older than the one applied is stale and ignored.</param>
internal sealed record OwnedAddress(IPAddress Address, IReadOnlyList<string> AllowedInterfaces, long Epoch)
{
    public bool SameInterfaces(OwnedAddress other) =>
        AllowedInterfaces.Count == other.AllowedInterfaces.Count
        && AllowedInterfaces.Order(StringComparer.Ordinal).SequenceEqual(other.AllowedInterfaces.Order(StringComparer.Ordinal), StringComparer.Ordinal);
}
