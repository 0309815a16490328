using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace IronLb.Bgp.Transport;

/// <summary>
/// The Linux link-layer pieces BFD echo needs (RFC 5881 §4): which interface holds an address, the peer's MAC from
/// the ARP cache, and AF_PACKET addressing. Each call works in the network namespace of the socket it is given.
/// </summary>
internal static unsafe partial class LinkLayer
{
    /// <summary>ETH_P_IP in network byte order, as AF_PACKET sockets take it.</summary>
    public static readonly ProtocolType Ipv4Protocol = (ProtocolType)0x0008;

    private const ulong SiocGifConf = 0x8912;
    private const ulong SiocGifIndex = 0x8933;
    private const ulong SiocGArp = 0x8954;
    private const int IfReqLength = 40;
    private const int ArpReqLength = 68;
    private const int AtfComplete = 0x02;
    private const int SolSocket = 1;
    private const int SoAttachFilter = 26;

    /// <summary>The name and index of the interface that holds IPv4 <paramref name="address"/>, or null.</summary>
    public static (string Name, int Index)? InterfaceOf(Socket socket, IPAddress address)
    {
        const int maxInterfaces = 64;
        var requests = stackalloc byte[maxInterfaces * IfReqLength];
        var conf = stackalloc byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(new Span<byte>(conf, 4), maxInterfaces * IfReqLength);
        *(byte**)(conf + 8) = requests;
        if (Ioctl(Fd(socket), SiocGifConf, conf) != 0)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(conf, 4));
        var wanted = address.GetAddressBytes();
        for (var offset = 0; offset + IfReqLength <= length; offset += IfReqLength)
        {
            var request = new Span<byte>(requests + offset, IfReqLength);
            if (BinaryPrimitives.ReadUInt16LittleEndian(request[16..]) != 2 || !request.Slice(20, 4).SequenceEqual(wanted))
            {
                continue;
            }

            var name = System.Text.Encoding.ASCII.GetString(request[..16]).TrimEnd('\0');
            return Ioctl(Fd(socket), SiocGifIndex, requests + offset) == 0 ? (name, BinaryPrimitives.ReadInt32LittleEndian(request[16..])) : null;
        }

        return null;
    }

    /// <summary>The peer's MAC address from the kernel's ARP cache (SIOCGARP), or null while there is no complete entry.</summary>
    public static PhysicalAddress? NeighbourMac(Socket socket, string device, IPAddress peer)
    {
        var request = stackalloc byte[ArpReqLength];
        var span = new Span<byte>(request, ArpReqLength);
        span.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(span, 2); // arp_pa: AF_INET
        peer.TryWriteBytes(span[4..], out _);
        System.Text.Encoding.ASCII.GetBytes(device, span.Slice(52, 15));
        if (Ioctl(Fd(socket), SiocGArp, request) != 0 || (BinaryPrimitives.ReadInt32LittleEndian(span[32..]) & AtfComplete) == 0)
        {
            return null;
        }

        return new PhysicalAddress(span.Slice(18, 6).ToArray());
    }

    /// <summary>Attaches a classic BPF program (SO_ATTACH_FILTER), so the kernel hands over only what it accepts.</summary>
    public static void AttachFilter(Socket socket, ReadOnlySpan<ulong> program)
    {
        fixed (ulong* instructions = program)
        {
            Span<byte> fprog = stackalloc byte[16];
            BinaryPrimitives.WriteUInt16LittleEndian(fprog, (ushort)program.Length);
            BinaryPrimitives.WriteInt64LittleEndian(fprog[8..], (long)instructions);
            socket.SetRawSocketOption(SolSocket, SoAttachFilter, fprog);
        }
    }

    /// <summary>One classic BPF instruction (struct sock_filter) as the kernel lays it out on little-endian machines.</summary>
    public static ulong Bpf(ushort code, byte jumpTrue, byte jumpFalse, uint k) =>
        code | ((ulong)jumpTrue << 16) | ((ulong)jumpFalse << 24) | ((ulong)k << 32);

    private static int Fd(Socket socket) => (int)socket.SafeHandle.DangerousGetHandle();

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, ulong request, void* argument);
}

/// <summary>An AF_PACKET address (struct sockaddr_ll): an interface and, for sending, the next hop's MAC.</summary>
internal sealed class LinkLayerEndPoint(int interfaceIndex, PhysicalAddress? destination) : EndPoint
{
    private const int Length = 20;

    public override AddressFamily AddressFamily => AddressFamily.Packet;

    public override SocketAddress Serialize()
    {
        var address = new SocketAddress(AddressFamily.Packet, Length);
        address[2] = 0x08; // sll_protocol: ETH_P_IP, network order
        address[3] = 0x00;
        Span<byte> index = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(index, interfaceIndex);
        for (var i = 0; i < 4; i++)
        {
            address[4 + i] = index[i];
        }

        if (destination is not null)
        {
            var mac = destination.GetAddressBytes();
            address[11] = (byte)mac.Length; // sll_halen
            for (var i = 0; i < mac.Length; i++)
            {
                address[12 + i] = mac[i];
            }
        }

        return address;
    }

    public override EndPoint Create(SocketAddress socketAddress) => this;
}
