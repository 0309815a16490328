using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using IronLb.Layer2.Ndp;

namespace IronLb.Layer2.Announcing;

/// <summary>The addresses one interface answers for, with the MAC it answers from.</summary>
internal sealed record InterfaceBinding(LinkInterface Interface, FrozenSet<IPAddress> Addresses)
{
    /// <summary>Solicited-node groups to join so MLD-snooping switches deliver solicitations for the IPv6 addresses.</summary>
    public FrozenSet<IPAddress> SolicitedNodeGroups { get; } = Addresses
        .Where(a => a.AddressFamily == AddressFamily.InterNetworkV6)
        .Select(SolicitedNodeAddress.For)
        .ToFrozenSet();
}

/// <summary>An immutable snapshot of what this node answers for, on which interface; swapped whole on every change so
/// capture threads read it without locks.</summary>
internal sealed class ResponderView
{
    public static ResponderView Empty { get; } = new(FrozenSet<IPAddress>.Empty, FrozenDictionary<string, InterfaceBinding>.Empty);

    private ResponderView(FrozenSet<IPAddress> owned, FrozenDictionary<string, InterfaceBinding> bindings)
    {
        Owned = owned;
        Bindings = bindings;
    }

    public FrozenSet<IPAddress> Owned { get; }

    public FrozenDictionary<string, InterfaceBinding> Bindings { get; }

    /// <param name="owned">The addresses this node owns.</param>
    /// <param name="interfaces">This node's interfaces.</param>
    /// <param name="exclusion">Interfaces never answered on; null is MetalLB's default metallb-excludel2 list.</param>
    public static ResponderView Build(IEnumerable<OwnedAddress> owned, IReadOnlyList<LinkInterface> interfaces, InterfaceExclusion? exclusion = null)
    {
        ArgumentNullException.ThrowIfNull(owned);
        exclusion ??= InterfaceExclusion.Default;
        var perInterface = new Dictionary<string, (LinkInterface Interface, HashSet<IPAddress> Addresses)>(StringComparer.Ordinal);
        var all = new HashSet<IPAddress>();
        foreach (var record in owned)
        {
            all.Add(record.Address);
            foreach (var link in InterfaceSelection.Select(record, interfaces, exclusion))
            {
                if (!perInterface.TryGetValue(link.Name, out var entry))
                {
                    entry = (link, []);
                    perInterface[link.Name] = entry;
                }

                entry.Addresses.Add(record.Address);
            }
        }

        return new ResponderView(
            all.ToFrozenSet(),
            perInterface.ToFrozenDictionary(
                kv => kv.Key,
                kv => new InterfaceBinding(kv.Value.Interface, kv.Value.Addresses.ToFrozenSet()),
                StringComparer.Ordinal));
    }

    public IEnumerable<InterfaceBinding> BindingsFor(IPAddress address) => Bindings.Values.Where(b => b.Addresses.Contains(address));
}
