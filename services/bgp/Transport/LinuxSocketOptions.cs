using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IronLb.Bgp.Transport;

/// <summary>The Linux socket options BGPPeer needs: TCP MD5 signatures, TTL, interface binding.</summary>
internal static class LinuxSocketOptions
{
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;
    private const int IpProtoTcp = 6;
    private const int IpProtoIp = 0;
    private const int IpTtl = 2;
    private const int IpProtoIpv6 = 41;
    private const int Ipv6UnicastHops = 16;
    private const int TcpMd5Sig = 14;
    private const int TcpMd5SigMaxKeyLength = 80;
    private const int SockaddrStorageLength = 128;

    /// <summary>
    /// Installs an RFC 2385 key for <paramref name="peer"/> (Linux TCP_MD5SIG). On a listening socket it applies to
    /// connections accepted from that peer; an empty key removes it.
    /// </summary>
    public static void SetMd5Signature(Socket socket, IPAddress peer, string key)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        if (keyBytes.Length > TcpMd5SigMaxKeyLength)
        {
            throw new ArgumentException($"TCP MD5 keys are at most {TcpMd5SigMaxKeyLength} bytes", nameof(key));
        }

        // struct tcp_md5sig { sockaddr_storage addr; u8 flags; u8 prefixlen; u16 keylen; u32 ifindex; u8 key[80]; }
        var option = new byte[SockaddrStorageLength + 8 + TcpMd5SigMaxKeyLength];
        WriteSockaddr(option, peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer, socket.AddressFamily);
        BinaryPrimitives.WriteUInt16LittleEndian(option.AsSpan(SockaddrStorageLength + 2), (ushort)keyBytes.Length);
        keyBytes.CopyTo(option, SockaddrStorageLength + 8);
        socket.SetRawSocketOption(IpProtoTcp, TcpMd5Sig, option);
    }

    /// <summary>Sets the TTL (IPv4) or hop limit (IPv6) of outgoing packets.</summary>
    public static void SetTtl(Socket socket, int ttl)
    {
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(value, ttl);
        if (socket.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // IPV6_UNICAST_HOPS, and IP_TTL as well: a dual-mode socket may carry IPv4.
            socket.SetRawSocketOption(IpProtoIpv6, Ipv6UnicastHops, value);
            socket.SetRawSocketOption(IpProtoIp, IpTtl, value);
        }
        else
        {
            socket.SetRawSocketOption(IpProtoIp, IpTtl, value);
        }
    }

    /// <summary>SO_BINDTODEVICE: the session uses only this interface or VRF device.</summary>
    public static void BindToDevice(Socket socket, string device) =>
        socket.SetRawSocketOption(SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(device + "\0"));

    private static void WriteSockaddr(Span<byte> destination, IPAddress address, AddressFamily socketFamily)
    {
        // The key's address family must match the socket's: an IPv4 peer on an IPv6 socket is stored as mapped.
        if (socketFamily == AddressFamily.InterNetworkV6 && address.AddressFamily == AddressFamily.InterNetwork)
        {
            address = address.MapToIPv6();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination, 2); // AF_INET, host order
            address.TryWriteBytes(destination[4..], out _);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination, 10); // AF_INET6
            address.TryWriteBytes(destination[8..], out _);
        }
    }
}
