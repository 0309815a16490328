using System.Net;
using System.Net.Sockets;
using IronLb.Bgp.Session;

namespace IronLb.Bgp.Transport;

/// <summary>Opens outbound BGP connections with the socket options BGPPeer asks for.</summary>
internal static class BgpConnector
{
    public static async Task<Socket> ConnectAsync(BgpPeerSettings peer, IBgpSocketFactory factory, CancellationToken cancellationToken)
    {
        var socket = factory.Create(peer.PeerAddress.AddressFamily);
        try
        {
            Prepare(socket, peer);
            if (peer.SourceAddress is { } source)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(new IPEndPoint(peer.PeerAddress, peer.PeerPort), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Options that must be set before the SYN: the MD5 key signs it, the TTL and device shape it.</summary>
    public static void Prepare(Socket socket, BgpPeerSettings peer)
    {
        if (!string.IsNullOrEmpty(peer.Password))
        {
            LinuxSocketOptions.SetMd5Signature(socket, peer.PeerAddress, peer.Password);
        }

        SetTtl(socket, peer);
        if (!string.IsNullOrEmpty(peer.BindDevice))
        {
            LinuxSocketOptions.BindToDevice(socket, peer.BindDevice);
        }
    }

    /// <summary>The TTL rule, also applied to accepted connections.</summary>
    public static void SetTtl(Socket socket, BgpPeerSettings peer)
    {
        // eBGP peers are one hop away unless ebgpMultiHop says otherwise (RFC 4271 §5.1.3); iBGP keeps the default.
        if (peer.EbgpMultihopTtl is { } ttl)
        {
            LinuxSocketOptions.SetTtl(socket, ttl);
        }
        else if (!peer.IsInternal)
        {
            LinuxSocketOptions.SetTtl(socket, 1);
        }
    }
}
