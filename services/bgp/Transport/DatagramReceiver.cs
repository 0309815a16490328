using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace IronLb.Bgp.Transport;

/// <summary>A received UDP datagram with what the kernel said about it: the address it was sent to and its TTL or hop limit.</summary>
internal readonly record struct ReceivedDatagram(int Length, IPAddress Remote, IPAddress? Local, int Ttl);

/// <summary>
/// Receives UDP datagrams with their TTL (IP_RECVTTL / IPV6_RECVHOPLIMIT) and destination address (IP_PKTINFO /
/// IPV6_RECVPKTINFO) through recvmsg(2), which .NET's Socket does not expose. BFD needs both: GTSM and RFC 5883's
/// minimum TTL are checked per session, because Linux applies IP_MINTTL to TCP only and a UDP socket would let
/// any TTL through (checked on kernel 6.18: a TTL 64 datagram reached a socket with IP_MINTTL 254).
/// </summary>
internal static partial class DatagramReceiver
{
    private const int IpProtoIp = 0;
    private const int IpProtoIpv6 = 41;
    private const int IpTtl = 2;
    private const int IpPktInfo = 8;
    private const int IpRecvTtl = 12;
    private const int Ipv6RecvPktInfo = 49;
    private const int Ipv6PktInfo = 50;
    private const int Ipv6RecvHopLimit = 51;
    private const int Ipv6HopLimit = 52;
    private const int MsgDontWait = 0x40;
    private const int EAgain = 11;
    private const int NameLength = 128;
    private const int ControlLength = 256;

    /// <summary>Asks the kernel to report TTL and destination address with every datagram (both families on a dual-mode socket).</summary>
    public static void EnableAncillaryData(Socket socket)
    {
        Span<byte> on = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(on, 1);
        socket.SetRawSocketOption(IpProtoIp, IpRecvTtl, on);
        socket.SetRawSocketOption(IpProtoIp, IpPktInfo, on);
        if (socket.AddressFamily == AddressFamily.InterNetworkV6)
        {
            socket.SetRawSocketOption(IpProtoIpv6, Ipv6RecvHopLimit, on);
            socket.SetRawSocketOption(IpProtoIpv6, Ipv6RecvPktInfo, on);
        }
    }

    /// <summary>Waits for the next datagram and reads it into <paramref name="buffer"/>.</summary>
    public static async ValueTask<ReceivedDatagram> ReceiveAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            // A zero-byte peek waits for readability on the runtime's event loop without taking the datagram;
            // recvmsg then takes it without blocking.
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
            if (TryReceive(socket, buffer.Span, out var datagram))
            {
                return datagram;
            }
        }
    }

    private static unsafe bool TryReceive(Socket socket, Span<byte> buffer, out ReceivedDatagram datagram)
    {
        datagram = default;
        var name = stackalloc byte[NameLength];
        var control = stackalloc byte[ControlLength];
        fixed (byte* data = buffer)
        {
            var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
            var message = new MsgHdr { Name = name, NameLength = NameLength, Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlLength };
            var received = RecvMsg((int)socket.SafeHandle.DangerousGetHandle(), &message, MsgDontWait);
            if (received < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno == EAgain ? false : throw new SocketException(errno);
            }

            var remote = ReadSockaddr(new ReadOnlySpan<byte>(name, (int)message.NameLength));
            var (local, ttl) = ReadControl(new ReadOnlySpan<byte>(control, (int)message.ControlLength));
            datagram = new ReceivedDatagram((int)received, remote, local, ttl);
            return true;
        }
    }

    private static IPAddress ReadSockaddr(ReadOnlySpan<byte> sockaddr)
    {
        var family = BinaryPrimitives.ReadUInt16LittleEndian(sockaddr);
        var address = family == 2 ? new IPAddress(sockaddr.Slice(4, 4)) : new IPAddress(sockaddr.Slice(8, 16));
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>Walks the cmsghdr list (64-bit layout: size_t length, int level, int type, data aligned to 8).</summary>
    private static (IPAddress? Local, int Ttl) ReadControl(ReadOnlySpan<byte> control)
    {
        IPAddress? local = null;
        var ttl = -1;
        while (control.Length >= 16)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(control);
            if (length < 16 || length > control.Length)
            {
                break;
            }

            var level = BinaryPrimitives.ReadInt32LittleEndian(control[8..]);
            var type = BinaryPrimitives.ReadInt32LittleEndian(control[12..]);
            var data = control[16..length];
            switch (level, type)
            {
                case (IpProtoIp, IpTtl) or (IpProtoIpv6, Ipv6HopLimit):
                    ttl = BinaryPrimitives.ReadInt32LittleEndian(data);
                    break;
                case (IpProtoIp, IpPktInfo):
                    local = new IPAddress(data.Slice(8, 4)); // struct in_pktinfo: ifindex, spec_dst, addr (the header's destination)
                    break;
                case (IpProtoIpv6, Ipv6PktInfo):
                    local = new IPAddress(data[..16]);
                    break;
            }

            control = control[Math.Min(control.Length, (length + 7) & ~7)..];
        }

        return (local, ttl);
    }

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static unsafe partial nint RecvMsg(int socket, MsgHdr* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MsgHdr
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }
}
