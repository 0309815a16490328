using System.Net;
using System.Net.Sockets;

namespace IronLb.Bgp.Transport;

/// <summary>Creates the TCP sockets of BGP sessions; a socket stays in the network namespace it was created in.</summary>
internal interface IBgpSocketFactory
{
    /// <summary>A TCP socket, for BGP.</summary>
    Socket Create(AddressFamily family);

    /// <summary>A UDP socket, for BFD.</summary>
    Socket CreateDatagram(AddressFamily family);

    /// <summary>An AF_PACKET socket for IPv4 packets without their link-layer header, for BFD echo (needs CAP_NET_RAW).</summary>
    Socket CreateIpv4Packet();

    /// <summary>An address of <paramref name="family"/> on the interface that holds <paramref name="local"/>, in the sockets' network namespace.</summary>
    IPAddress? SiblingAddress(IPAddress local, AddressFamily family) => InterfaceAddresses.Sibling(local, family);
}

/// <summary>Sockets in the process's own network namespace.</summary>
internal sealed class DefaultSocketFactory : IBgpSocketFactory
{
    public static DefaultSocketFactory Instance { get; } = new();

    public Socket Create(AddressFamily family) => new(family, SocketType.Stream, ProtocolType.Tcp);

    public Socket CreateDatagram(AddressFamily family) => new(family, SocketType.Dgram, ProtocolType.Udp);

    public Socket CreateIpv4Packet() => new(AddressFamily.Packet, SocketType.Dgram, LinkLayer.Ipv4Protocol);
}
