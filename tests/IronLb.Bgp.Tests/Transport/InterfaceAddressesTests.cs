using System.Net;
using System.Net.Sockets;
using IronLb.Bgp.Transport;

namespace IronLb.Bgp.Tests.Transport;

public sealed class InterfaceAddressesTests
{
    private static readonly IReadOnlyList<IReadOnlyList<IPAddress>> Interfaces =
    [
        [IPAddress.Loopback, IPAddress.IPv6Loopback],
        [IPAddress.Parse("192.0.2.11"), IPAddress.Parse("fe80::11"), IPAddress.Parse("2001:db8:1::11")],
        [IPAddress.Parse("198.51.100.11")],
    ];

    [Fact]
    public void Sibling_Ipv4Session_GlobalIpv6OfTheSameInterfaceNotItsLinkLocal() =>
        Assert.Equal(IPAddress.Parse("2001:db8:1::11"), InterfaceAddresses.Sibling(Interfaces, IPAddress.Parse("192.0.2.11"), AddressFamily.InterNetworkV6));

    [Fact]
    public void Sibling_Ipv6Session_Ipv4OfTheSameInterface() =>
        Assert.Equal(IPAddress.Parse("192.0.2.11"), InterfaceAddresses.Sibling(Interfaces, IPAddress.Parse("2001:db8:1::11"), AddressFamily.InterNetwork));

    [Fact]
    public void Sibling_InterfaceWithoutTheOtherFamily_None() =>
        Assert.Null(InterfaceAddresses.Sibling(Interfaces, IPAddress.Parse("198.51.100.11"), AddressFamily.InterNetworkV6));
}
