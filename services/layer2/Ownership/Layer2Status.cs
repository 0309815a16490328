using IronLb.Core.Contracts;
using IronLb.Layer2.Handoff;
using IronLb.ServiceDefaults;

namespace IronLb.Layer2.Ownership;

/// <summary>The layer2 part of /status: the addresses election gave this node and where the LAN hand-over stands with each.</summary>
internal sealed class Layer2Status(LanHandoff? handoff = null) : IStatusContributor
{
    private volatile Snapshot _last = new([], 0, null);

    public string Section => "layer2";

    public IReadOnlyList<AddressOwner> Owned => _last.Owned;

    public void Update(IReadOnlyList<AddressOwner> owned, long ownersVersion) =>
        _last = _last with { Owned = owned, OwnersVersion = ownersVersion };

    /// <summary>The store acknowledged a heartbeat at <paramref name="at"/>.</summary>
    public void Acknowledged(DateTimeOffset at) => _last = _last with { LastHeartbeatAcknowledged = at };

    object IStatusContributor.Snapshot()
    {
        var last = _last;
        var states = handoff?.States;
        return new
        {
            owned = last.Owned.Select(o => new
            {
                o.Address,
                o.Node,
                o.Epoch,
                o.Interfaces,
                o.Services,
                handoff = states is null ? "off" : states.FirstOrDefault(s => s.Key.ToString() == o.Address).Value.ToString().ToLowerInvariant(),
            }),
            ownersVersion = last.OwnersVersion,
            lastHeartbeatAcknowledged = last.LastHeartbeatAcknowledged,
        };
    }

    private sealed record Snapshot(IReadOnlyList<AddressOwner> Owned, long OwnersVersion, DateTimeOffset? LastHeartbeatAcknowledged);
}
