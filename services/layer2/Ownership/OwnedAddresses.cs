using IronLb.Core.Contracts;

namespace IronLb.Layer2.Ownership;

/// <summary>Which addresses one node owns, from the owner set. Pure.</summary>
internal static class OwnedAddresses
{
    /// <summary>The owner records naming <paramref name="node"/>, sorted by address.</summary>
    public static IReadOnlyList<AddressOwner> For(string node, OwnerSet owners) =>
        [.. owners.Owners.Where(o => o.Node == node).OrderBy(o => o.Address, StringComparer.Ordinal)];

    /// <summary>The owner records naming <paramref name="node"/> as successor, sorted by address.</summary>
    public static IReadOnlyList<AddressOwner> StandbyFor(string node, OwnerSet owners) =>
        [.. owners.Owners.Where(o => o.Successor == node && o.Node != node).OrderBy(o => o.Address, StringComparer.Ordinal)];
}
