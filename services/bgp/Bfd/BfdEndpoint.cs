using System.Net;
using System.Net.Sockets;
using IronLb.Bgp.Transport;

namespace IronLb.Bgp.Bfd;

/// <summary>
/// Single-hop BFD over UDP (RFC 5881): one socket receives on port 3784 for every peer and hands each packet to the
/// peer it belongs to; each peer sends from its own socket with TTL 255. Packets that arrive with a TTL below 255
/// came from further than one hop and are dropped by the kernel (IP_MINTTL / IPV6_MINHOPCOUNT, the GTSM check of §5).
/// </summary>
internal sealed partial class BfdEndpoint : IAsyncDisposable
{
    public const int ControlPort = 3784;
    private const int IpProtoIp = 0;
    private const int IpMinTtl = 21;
    private const int IpProtoIpv6 = 41;
    private const int Ipv6MinHopCount = 73;

    private readonly IBgpSocketFactory _sockets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Socket _receiver;
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, BfdPeer> _byAddress = [];
    private readonly Dictionary<uint, BfdPeer> _byDiscriminator = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _receiving;

    public BfdEndpoint(IBgpSocketFactory sockets, TimeProvider time, ILogger logger, int port = ControlPort)
    {
        _sockets = sockets;
        _time = time;
        _logger = logger;
        _receiver = sockets.CreateDatagram(AddressFamily.InterNetworkV6);
        _receiver.DualMode = true;
        SetInt(_receiver, IpProtoIp, IpMinTtl, 255);
        SetInt(_receiver, IpProtoIpv6, Ipv6MinHopCount, 255);
        _receiver.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Starts BFD towards <paramref name="peer"/>; <paramref name="onStateChanged"/> runs on the peer's loop.</summary>
    public BfdPeer Add(IPAddress peer, IPAddress? source, BfdSettings settings, Action<BfdState, BfdState> onStateChanged)
    {
        var sender = _sockets.CreateDatagram(peer.AddressFamily);
        SetInt(sender, peer.AddressFamily == AddressFamily.InterNetworkV6 ? IpProtoIpv6 : IpProtoIp, peer.AddressFamily == AddressFamily.InterNetworkV6 ? 16 : 2, 255);
        BindSourcePort(sender, source ?? (peer.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any));
        var discriminator = (uint)Random.Shared.Next(1, int.MaxValue);
        var bfdPeer = new BfdPeer(peer, sender, new IPEndPoint(peer, ControlPort), settings, discriminator, _time, onStateChanged);
        lock (_gate)
        {
            _byAddress[peer] = bfdPeer;
            _byDiscriminator[discriminator] = bfdPeer;
        }

        bfdPeer.Start();
        return bfdPeer;
    }

    public async Task RemoveAsync(BfdPeer peer)
    {
        lock (_gate)
        {
            _byAddress.Remove(peer.Address);
            _byDiscriminator.Remove(peer.Discriminator);
        }

        await peer.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _receiver.Dispose();
        await _receiving.ConfigureAwait(false);
        List<BfdPeer> peers;
        lock (_gate)
        {
            peers = [.. _byAddress.Values];
            _byAddress.Clear();
            _byDiscriminator.Clear();
        }

        foreach (var peer in peers)
        {
            await peer.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[512];
        while (!_stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _receiver.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.IPv6Any, 0), _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                LogReceiveFailed(_logger, ex.SocketErrorCode);
                continue;
            }

            if (!BfdPacket.TryRead(buffer.AsSpan(0, received.ReceivedBytes), out var packet))
            {
                continue;
            }

            var from = ((IPEndPoint)received.RemoteEndPoint).Address;
            from = from.IsIPv4MappedToIPv6 ? from.MapToIPv4() : from;
            BfdPeer? peer;
            lock (_gate)
            {
                // §6.8.6: demultiplex by Your Discriminator, or by source address while the peer does not know ours yet.
                peer = packet.YourDiscriminator != 0 ? _byDiscriminator.GetValueOrDefault(packet.YourDiscriminator) : _byAddress.GetValueOrDefault(from);
            }

            if (peer is not null && peer.Address.Equals(from))
            {
                peer.Receive(packet);
            }
        }
    }

    /// <summary>RFC 5881 §4: the source port is in 49152–65535.</summary>
    private static void BindSourcePort(Socket socket, IPAddress source)
    {
        for (var attempt = 0; attempt < 64; attempt++)
        {
            try
            {
                socket.Bind(new IPEndPoint(source, Random.Shared.Next(49152, 65536)));
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
            }
        }

        throw new IOException("no free BFD source port in 49152-65535");
    }

    private static void SetInt(Socket socket, int level, int name, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        socket.SetRawSocketOption(level, name, bytes);
    }

    [LoggerMessage(EventId = 4400, Level = LogLevel.Warning, Message = "BFD: receive failed ({Error})")]
    private static partial void LogReceiveFailed(ILogger logger, SocketError error);
}
