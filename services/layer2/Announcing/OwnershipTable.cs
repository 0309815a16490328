using System.Net;

namespace IronLb.Layer2.Announcing;

/// <summary>What one ownership update changed.</summary>
internal sealed record OwnershipChange(
    IReadOnlyList<OwnedAddress> Gained,
    IReadOnlyList<IPAddress> Lost,
    IReadOnlyList<OwnedAddress> Retargeted,
    IReadOnlyList<OwnedAddress> Stale)
{
    public bool IsEmpty => Gained.Count == 0 && Lost.Count == 0 && Retargeted.Count == 0;
}

/// <summary>The addresses this node owns, with the epoch fence that keeps stale owner records from reviving them.</summary>
internal sealed class OwnershipTable
{
    private readonly Dictionary<IPAddress, OwnedAddress> _owned = [];

    // Remembered after an address is lost too: an owner record older than the one that took the address away
    // must not make this node answer again (architecture rule 3, fencing).
    private readonly Dictionary<IPAddress, long> _highestEpoch = [];

    public IReadOnlyCollection<OwnedAddress> Owned => _owned.Values;

    /// <summary>Reconciles to the full set of addresses this node should own now; an address missing from it is lost.</summary>
    public OwnershipChange Apply(IReadOnlyCollection<OwnedAddress> desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var gained = new List<OwnedAddress>();
        var retargeted = new List<OwnedAddress>();
        var stale = new List<OwnedAddress>();
        var wanted = new Dictionary<IPAddress, OwnedAddress>();
        foreach (var candidate in desired)
        {
            // Two records for one address in the same update: the newer one speaks.
            if (!wanted.TryGetValue(candidate.Address, out var seen) || candidate.Epoch > seen.Epoch)
            {
                wanted[candidate.Address] = candidate;
            }
        }

        var keep = new HashSet<IPAddress>();
        foreach (var (address, record) in wanted)
        {
            var highest = _highestEpoch.GetValueOrDefault(address, long.MinValue);
            if (record.Epoch < highest)
            {
                stale.Add(record);
                if (_owned.ContainsKey(address))
                {
                    keep.Add(address);
                }

                continue;
            }

            keep.Add(address);
            _highestEpoch[address] = record.Epoch;
            if (!_owned.TryGetValue(address, out var current) || record.Epoch > current.Epoch)
            {
                // A higher epoch while owned means ownership left and came back unseen: another node may have
                // announced meanwhile, so announce again.
                _owned[address] = record;
                gained.Add(record);
            }
            else if (!current.SameInterfaces(record))
            {
                _owned[address] = record;
                retargeted.Add(record);
            }
        }

        var lost = _owned.Keys.Where(a => !keep.Contains(a)).ToList();
        foreach (var address in lost)
        {
            _owned.Remove(address);
        }

        return new OwnershipChange(gained, lost, retargeted, stale);
    }
}
