using System.Net;
using IronLb.Layer2.Capture;

namespace IronLb.Layer2.Announcing;

/// <summary>A network interface of this node as the announcer sees it: name, index, MAC, state and on-link prefixes.</summary>
internal sealed record LinkInterface(
    string Name,
    int Index,
    MacAddress Mac,
    bool IsUp,
    bool IsLoopback,
    IReadOnlyList<IPNetwork> Prefixes,
    bool NoArp = false,
    bool IsEnslaved = false)
{
    /// <summary>Up, not loopback, with a MAC, doing ARP and not a port of a bridge or bond. NOARP interfaces (dummy ones
    /// such as kube-proxy's kube-ipvs0, which holds service addresses) can never carry an answer onto the LAN; a port
    /// answering beside its bridge or bond would give the asker two different MACs for one address.</summary>
    public bool IsCandidate => IsUp && !IsLoopback && !NoArp && !IsEnslaved && !Mac.IsZero;

    /// <summary>True when a real subnet of this interface holds <paramref name="address"/>. A host prefix (/32, /128) is
    /// an address placed on the interface, not a subnet, so it says nothing about where the LAN is.</summary>
    public bool IsOnLink(IPAddress address) => Prefixes.Any(p =>
        p.BaseAddress.AddressFamily == address.AddressFamily
        && p.PrefixLength < p.BaseAddress.GetAddressBytes().Length * 8
        && p.Contains(address));
}
