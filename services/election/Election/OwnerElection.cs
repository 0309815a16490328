using System.Security.Cryptography;
using System.Text;
using IronLb.Core.Contracts;

namespace IronLb.Election.Election;

/// <summary>Chooses the node that answers ARP/NDP for every Layer 2 address. Pure: data in, data out.</summary>
/// <remarks>
/// A node is a candidate for an address when an L2Advertisement of the address's Service selects it, it is
/// alive, and the traffic policy allows it (Local: it has a ready endpoint; Cluster: some node has one,
/// as MetalLB's speaker requires). The current owner keeps the address while it stays a candidate, so a
/// node joining never moves traffic; otherwise the candidate whose SHA-256 of "node#address" sorts first
/// wins, which spreads addresses over nodes the way MetalLB's memberlist election does.
/// </remarks>
internal static class OwnerElection
{
    /// <summary>Elects owners; returns <paramref name="previous"/> itself when nothing changed.</summary>
    public static OwnerSet Elect(IntentSet intents, IReadOnlySet<string> liveNodes, OwnerSet previous)
    {
        var previousByAddress = previous.Owners.ToDictionary(o => o.Address, StringComparer.Ordinal);
        var claims = new SortedDictionary<string, AddressClaim>(StringComparer.Ordinal);
        foreach (var intent in intents.Intents)
        {
            if (intent.Layer2.Count == 0 || intent.NodesWithReadyEndpoints.Count == 0)
            {
                continue;
            }

            foreach (var address in intent.Addresses)
            {
                if (!claims.TryGetValue(address, out var claim))
                {
                    claim = new AddressClaim();
                    claims.Add(address, claim);
                }

                claim.Add(intent, liveNodes);
            }
        }

        long nextEpoch = previous.Version + 1;
        var owners = new List<AddressOwner>(claims.Count);
        foreach (var (address, claim) in claims)
        {
            previousByAddress.TryGetValue(address, out var before);
            var node = before is not null && claim.Candidates.Contains(before.Node)
                ? before.Node
                : claim.Candidates.OrderBy(n => Rank(n, address), StringComparer.Ordinal).ThenBy(n => n, StringComparer.Ordinal).FirstOrDefault();
            if (node is null)
            {
                continue;
            }

            long epoch = before is not null && before.Node == node ? before.Epoch : nextEpoch;
            owners.Add(new AddressOwner(address, node, epoch, claim.InterfacesFor(node), [.. claim.Services]));
        }

        return SameOwners(previous.Owners, owners) ? previous : new OwnerSet(nextEpoch, owners);
    }

    /// <summary>The rank of a node for an address: hex SHA-256 of "node#address", as MetalLB sorts speakers.</summary>
    internal static string Rank(string node, string address) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(node + "#" + address)));

    private static bool SameOwners(IReadOnlyList<AddressOwner> a, List<AddressOwner> b) =>
        a.Count == b.Count && a.Zip(b).All(p =>
            p.First.Address == p.Second.Address && p.First.Node == p.Second.Node && p.First.Epoch == p.Second.Epoch
            && p.First.Interfaces.SequenceEqual(p.Second.Interfaces) && p.First.Services.SequenceEqual(p.Second.Services));

    /// <summary>Everything the Services that share one address say about it.</summary>
    private sealed class AddressClaim
    {
        private readonly Dictionary<string, SortedSet<string>> _interfaces = new(StringComparer.Ordinal);
        private readonly HashSet<string> _anyInterface = new(StringComparer.Ordinal);
        private bool _first = true;

        public SortedSet<string> Candidates { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> Services { get; } = new(StringComparer.Ordinal);

        public void Add(AnnouncementIntent intent, IReadOnlySet<string> liveNodes)
        {
            Services.Add(intent.Namespace + "/" + intent.Name);
            var local = string.Equals(intent.ExternalTrafficPolicy, "Local", StringComparison.OrdinalIgnoreCase);
            var allowed = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var advertisement in intent.Layer2)
            {
                foreach (var node in advertisement.Nodes)
                {
                    if (!liveNodes.Contains(node) || (local && !intent.NodesWithReadyEndpoints.Contains(node)))
                    {
                        continue;
                    }

                    allowed.Add(node);
                    if (advertisement.Interfaces.Count == 0)
                    {
                        _anyInterface.Add(node);
                    }
                    else
                    {
                        if (!_interfaces.TryGetValue(node, out var names))
                        {
                            names = new SortedSet<string>(StringComparer.Ordinal);
                            _interfaces.Add(node, names);
                        }

                        names.UnionWith(advertisement.Interfaces);
                    }
                }
            }

            // Services sharing an address must all be reachable through its owner.
            if (_first)
            {
                Candidates.UnionWith(allowed);
                _first = false;
            }
            else
            {
                Candidates.IntersectWith(allowed);
            }
        }

        public IReadOnlyList<string> InterfacesFor(string node) =>
            _anyInterface.Contains(node) || !_interfaces.TryGetValue(node, out var names) ? [] : [.. names];
    }
}
