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
    IReadOnlyList<IPNetwork> Prefixes)
{
    public bool IsCandidate => IsUp && !IsLoopback && !Mac.IsZero;

    public bool IsOnLink(IPAddress address) => Prefixes.Any(p => p.BaseAddress.AddressFamily == address.AddressFamily && p.Contains(address));
}
