using System.Security.Cryptography;
using System.Text;
using IronLb.Core.Contracts;

namespace IronLb.Election.Election;

/// <summary>Chooses the node that answers ARP/NDP for every Layer 2 address. Pure: data in, data out.</summary>
/// <remarks>
/// As in MetalLB, every address of one Service lives on one node: a Service's addresses (dual-stack, or several), and
/// the addresses of Services that share one of them, form one group with one owner. A node is a candidate for a group
/// when an L2Advertisement of each of its Services selects it, it is alive, and the traffic policy allows it (Local:
/// it has a ready endpoint; Cluster: some node has one, as MetalLB's speaker requires). Unlike MetalLB, which
/// recomputes the winner on every change, the current owner keeps a group while it stays a candidate, so a node
/// joining never moves traffic; otherwise the candidate whose SHA-256 of "node#address" sorts first wins, with the
/// address being the first address of the group's first Service, as MetalLB's speaker ranks them. The next-ranked
/// candidate is named successor: it takes the group over on the LAN if the owner falls silent there, and a takeover a
/// live node reports wins the next election. A group whose every eligible node looks dead keeps its owner (fail
/// static: election more likely lost sight of the nodes than they all died). Epochs are even; odd ones are takeovers.
/// </remarks>
internal static class OwnerElection
{
    /// <summary>Elects owners; returns <paramref name="previous"/> itself when nothing changed.</summary>
    /// <param name="intents">Every Service's announcement intent.</param>
    /// <param name="liveNodes">The nodes alive now.</param>
    /// <param name="previous">The owners stored now.</param>
    /// <param name="takenOver">Addresses live successors took over on the LAN (address to node): confirmed where the node is a candidate.</param>
    /// <param name="freshNodes">The live nodes heard from just now; a group moves only to one of them (all live nodes when null).</param>
    public static OwnerSet Elect(
        IntentSet intents, IReadOnlySet<string> liveNodes, OwnerSet previous, IReadOnlyDictionary<string, string>? takenOver = null, IReadOnlySet<string>? freshNodes = null)
    {
        var previousByAddress = previous.Owners.ToDictionary(o => o.Address, StringComparer.Ordinal);
        takenOver ??= new Dictionary<string, string>();

        // Election's epochs are even; odd ones belong to successors' LAN takeovers (owner epoch + 1), which any later
        // election outranks.
        long nextVersion = previous.Version + 1;
        long nextEpoch = 2 * nextVersion;
        var owners = new List<AddressOwner>();
        foreach (var group in AddressGroup.From(intents, liveNodes))
        {
            // Fail static: when every node that could answer looks dead at once, or the owner died and nobody else was
            // heard from just now either, the likelier story is that election lost sight of them (the nodes or the
            // store are cut off from it), so the group keeps the owner it had.
            if (group.Candidates.Count == 0 || (OwnerGone(group, previousByAddress) && !group.Candidates.Any(n => freshNodes?.Contains(n) ?? true)))
            {
                owners.AddRange(group.Addresses.Select(a => previousByAddress.GetValueOrDefault(a)).OfType<AddressOwner>().Where(o => group.Eligible.Contains(o.Node)));
                continue;
            }

            var node = Choose(group, previousByAddress, takenOver, freshNodes);
            if (node is null)
            {
                continue;
            }

            var successor = group.Candidates.Where(n => n != node)
                .OrderBy(n => Rank(n, group.RankAddress), StringComparer.Ordinal).ThenBy(n => n, StringComparer.Ordinal).FirstOrDefault();
            foreach (var address in group.Addresses)
            {
                previousByAddress.TryGetValue(address, out var before);
                long epoch = before is not null && before.Node == node ? before.Epoch : nextEpoch;
                owners.Add(new AddressOwner(address, node, epoch, group.InterfacesFor(node), [.. group.Services], successor));
            }
        }

        owners.Sort((a, b) => string.CompareOrdinal(a.Address, b.Address));
        return SameOwners(previous.Owners, owners) ? previous : new OwnerSet(nextVersion, owners);
    }

    private static bool OwnerGone(AddressGroup group, Dictionary<string, AddressOwner> previousByAddress) =>
        group.Addresses.Any(a => previousByAddress.TryGetValue(a, out var before) && !group.Candidates.Contains(before.Node));

    // What the LAN has wins: a candidate that took the group over as successor keeps it. Then sticky: the node that
    // answers for the group's ranking address keeps the group, else one that answers for any of its addresses (groups
    // formed from per-address owners), else the best-ranked candidate.
    private static string? Choose(AddressGroup group, Dictionary<string, AddressOwner> previousByAddress, IReadOnlyDictionary<string, string> takenOver, IReadOnlySet<string>? freshNodes)
    {
        foreach (var address in group.Addresses)
        {
            if (takenOver.TryGetValue(address, out var holder) && group.Candidates.Contains(holder))
            {
                return holder;
            }
        }

        foreach (var address in group.Addresses.OrderBy(a => a == group.RankAddress ? 0 : 1))
        {
            if (previousByAddress.TryGetValue(address, out var before) && group.Candidates.Contains(before.Node))
            {
                return before.Node;
            }
        }

        return group.Candidates.Where(n => freshNodes?.Contains(n) ?? true)
            .OrderBy(n => Rank(n, group.RankAddress), StringComparer.Ordinal).ThenBy(n => n, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>The rank of a node for an address: hex SHA-256 of "node#address", as MetalLB sorts speakers.</summary>
    internal static string Rank(string node, string address) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(node + "#" + address)));

    private static bool SameOwners(IReadOnlyList<AddressOwner> a, List<AddressOwner> b) =>
        a.Count == b.Count && a.Zip(b).All(p =>
            p.First.Address == p.Second.Address && p.First.Node == p.Second.Node && p.First.Epoch == p.Second.Epoch
            && p.First.Interfaces.SequenceEqual(p.Second.Interfaces) && p.First.Services.SequenceEqual(p.Second.Services)
            && p.First.Successor == p.Second.Successor);

    /// <summary>Addresses that must live on one node, and everything their Services say about them.</summary>
    private sealed class AddressGroup
    {
        private readonly Dictionary<string, SortedSet<string>> _interfaces = new(StringComparer.Ordinal);
        private readonly HashSet<string> _anyInterface = new(StringComparer.Ordinal);
        private bool _first = true;

        public SortedSet<string> Addresses { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> Candidates { get; } = new(StringComparer.Ordinal);

        /// <summary>The nodes that could answer for every Service of the group if they were alive.</summary>
        public SortedSet<string> Eligible { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> Services { get; } = new(StringComparer.Ordinal);

        /// <summary>The address nodes are ranked by: the first address of the group's first Service.</summary>
        public string RankAddress { get; private set; } = "";

        /// <summary>Groups the announced Services' addresses: one Service's addresses together, and Services sharing one.</summary>
        public static Dictionary<string, AddressGroup>.ValueCollection From(IntentSet intents, IReadOnlySet<string> liveNodes)
        {
            var announced = intents.Intents
                .Where(i => i.Layer2.Count > 0 && i.AnyServingEndpoint && i.Addresses.Count > 0)
                .OrderBy(i => i.Namespace, StringComparer.Ordinal).ThenBy(i => i.Name, StringComparer.Ordinal)
                .ToList();
            var root = new Dictionary<string, string>(StringComparer.Ordinal);
            string Find(string address)
            {
                while (root[address] != address)
                {
                    address = root[address] = root[root[address]];
                }

                return address;
            }

            foreach (var intent in announced)
            {
                foreach (var address in intent.Addresses)
                {
                    root.TryAdd(address, address);
                }

                var first = Find(intent.Addresses[0]);
                foreach (var address in intent.Addresses.Skip(1))
                {
                    var other = Find(address);
                    if (other != first)
                    {
                        root[other] = first;
                    }
                }
            }

            var groups = new Dictionary<string, AddressGroup>(StringComparer.Ordinal);
            foreach (var intent in announced)
            {
                var key = Find(intent.Addresses[0]);
                if (!groups.TryGetValue(key, out var group))
                {
                    group = new AddressGroup { RankAddress = intent.Addresses[0] };
                    groups.Add(key, group);
                }

                group.Add(intent, liveNodes);
            }

            return groups.Values;
        }

        private void Add(AnnouncementIntent intent, IReadOnlySet<string> liveNodes)
        {
            Addresses.UnionWith(intent.Addresses);
            Services.Add(intent.Namespace + "/" + intent.Name);
            var local = string.Equals(intent.ExternalTrafficPolicy, "Local", StringComparison.OrdinalIgnoreCase);
            var allowed = new SortedSet<string>(StringComparer.Ordinal);
            var eligible = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var advertisement in intent.Layer2)
            {
                foreach (var node in advertisement.Nodes)
                {
                    if (local && !intent.NodesWithReadyEndpoints.Contains(node))
                    {
                        continue;
                    }

                    eligible.Add(node);
                    if (!liveNodes.Contains(node))
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

            // Every Service of the group must be reachable through its owner.
            if (_first)
            {
                Candidates.UnionWith(allowed);
                Eligible.UnionWith(eligible);
                _first = false;
            }
            else
            {
                Candidates.IntersectWith(allowed);
                Eligible.IntersectWith(eligible);
            }
        }

        public IReadOnlyList<string> InterfacesFor(string node) =>
            _anyInterface.Contains(node) || !_interfaces.TryGetValue(node, out var names) ? [] : [.. names];
    }
}
