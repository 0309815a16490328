using IronLb.Core.Contracts;
using IronLb.ServiceDefaults;

namespace IronLb.Election.Election;

/// <summary>The election part of /status: whether this replica leads, the live nodes and the owners.</summary>
internal sealed class ElectionStatus : IStatusContributor
{
    private volatile Snapshot _last = new(false, [], OwnerSet.Empty);

    public string Section => "election";

    public bool IsLeader
    {
        get => _last.Leader;
        set => _last = _last with { Leader = value };
    }

    /// <summary>The nodes alive as this replica sees them (standbys watch too).</summary>
    public void UpdateAlive(IReadOnlySet<string> liveNodes) =>
        _last = _last with { LiveNodes = [.. liveNodes.Order(StringComparer.Ordinal)] };

    public void Update(OwnerSet owners, IReadOnlySet<string> liveNodes) =>
        _last = _last with { Owners = owners, LiveNodes = [.. liveNodes.Order(StringComparer.Ordinal)] };

    object IStatusContributor.Snapshot() => _last;

    private sealed record Snapshot(bool Leader, IReadOnlyList<string> LiveNodes, OwnerSet Owners);
}
