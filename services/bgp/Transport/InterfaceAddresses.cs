using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace IronLb.Bgp.Transport;

/// <summary>
/// The next hop of the other family on a dual-stack session, as FRR (and so MetalLB) picks it: an address of that
/// family on the interface the session runs over, a global one for IPv6 (RFC 4291 link-locals are not next hops a
/// router two hops away can use).
/// </summary>
internal static class InterfaceAddresses
{
    /// <summary>Of the interface holding <paramref name="local"/>, its first usable address of <paramref name="family"/>; null when none.</summary>
    public static IPAddress? Sibling(IReadOnlyList<IReadOnlyList<IPAddress>> interfaces, IPAddress local, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        var holder = interfaces.FirstOrDefault(addresses => addresses.Contains(local));
        return holder?.FirstOrDefault(a => a.AddressFamily == family && !a.IsIPv6LinkLocal && !IPAddress.IsLoopback(a));
    }

    /// <summary>The same, over the interfaces of the calling thread's network namespace.</summary>
    public static IPAddress? Sibling(IPAddress local, AddressFamily family) =>
        Sibling([.. NetworkInterface.GetAllNetworkInterfaces().Select(i => (IReadOnlyList<IPAddress>)[.. i.GetIPProperties().UnicastAddresses.Select(u => u.Address)])], local, family);
}
