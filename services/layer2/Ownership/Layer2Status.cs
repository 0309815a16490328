using IronLb.Core.Contracts;
using IronLb.ServiceDefaults;

namespace IronLb.Layer2.Ownership;

/// <summary>The layer2 part of /status: the addresses this node answers for.</summary>
internal sealed class Layer2Status : IStatusContributor
{
    private volatile Snapshot _last = new([], DateTimeOffset.MinValue, 0);

    public string Section => "layer2";

    public IReadOnlyList<AddressOwner> Owned => _last.Owned;

    public void Update(IReadOnlyList<AddressOwner> owned, DateTimeOffset fenceOpenUntil, long ownersVersion) =>
        _last = new Snapshot(owned, fenceOpenUntil, ownersVersion);

    object IStatusContributor.Snapshot() => _last;

    private sealed record Snapshot(IReadOnlyList<AddressOwner> Owned, DateTimeOffset FenceOpenUntil, long OwnersVersion);
}
