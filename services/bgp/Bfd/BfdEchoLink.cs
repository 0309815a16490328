using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using IronLb.Bgp.Transport;

namespace IronLb.Bgp.Bfd;

/// <summary>
/// The wire side of one session's echo function: sends echo packets as IPv4 frames to the peer's MAC on the interface
/// that holds our address, and hands back the discriminator of every echo the peer's forwarding returned. An ordinary
/// UDP socket cannot do either: a datagram to our own address never leaves the host, and one that comes back from our
/// own address is dropped by the kernel as a martian before any socket sees it.
/// </summary>
internal sealed partial class BfdEchoLink : IAsyncDisposable
{
    /// <summary>The peer's MAC is looked up again every this many packets, so that a changed ARP entry is followed.</summary>
    private const int MacRefreshPackets = 64;

    private readonly Socket _packets;
    private readonly Socket _lookups;
    private readonly string _device;
    private readonly int _interfaceIndex;
    private readonly IPAddress _local;
    private readonly IPAddress _peer;
    private readonly Action<uint> _onReturned;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _receiving;
    private PhysicalAddress? _peerMac;
    private long _sent;

    private BfdEchoLink(Socket packets, Socket lookups, string device, int interfaceIndex, IPAddress local, IPAddress peer, Action<uint> onReturned, ILogger logger)
    {
        _packets = packets;
        _lookups = lookups;
        _device = device;
        _interfaceIndex = interfaceIndex;
        _local = local;
        _peer = peer;
        _onReturned = onReturned;
        _logger = logger;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Opens the echo link from <paramref name="local"/> towards <paramref name="peer"/>; null with a reason when it cannot.</summary>
    public static BfdEchoLink? TryOpen(IBgpSocketFactory sockets, IPAddress local, IPAddress peer, Action<uint> onReturned, ILogger logger, out string? reason)
    {
        reason = null;
        if (local.AddressFamily != AddressFamily.InterNetwork || peer.AddressFamily != AddressFamily.InterNetwork)
        {
            reason = "echo is implemented for IPv4 sessions only";
            return null;
        }

        var lookups = sockets.CreateDatagram(AddressFamily.InterNetwork);
        if (LinkLayer.InterfaceOf(lookups, local) is not var (device, index))
        {
            lookups.Dispose();
            reason = $"no interface holds {local}";
            return null;
        }

        Socket packets;
        try
        {
            packets = sockets.CreateIpv4Packet();
            LinkLayer.AttachFilter(packets, BfdEchoPacket.ReturnedFilter);
            packets.Bind(new LinkLayerEndPoint(index, null));
        }
        catch (SocketException ex)
        {
            lookups.Dispose();
            reason = $"no AF_PACKET socket on {device} ({ex.SocketErrorCode}; needs CAP_NET_RAW)";
            return null;
        }

        return new BfdEchoLink(packets, lookups, device, index, local, peer, onReturned, logger);
    }

    /// <summary>Sends one echo packet; without a complete ARP entry for the peer it is not sent, and echo detection will say so.</summary>
    public void Send(uint discriminator, ulong sequence)
    {
        if (_peerMac is null || _sent++ % MacRefreshPackets == 0)
        {
            _peerMac = LinkLayer.NeighbourMac(_lookups, _device, _peer) ?? _peerMac;
        }

        if (_peerMac is null)
        {
            return;
        }

        Span<byte> packet = stackalloc byte[BfdEchoPacket.Length];
        BfdEchoPacket.Write(packet, _local, discriminator, sequence);
        try
        {
            _packets.SendTo(packet, SocketFlags.None, new LinkLayerEndPoint(_interfaceIndex, _peerMac));
        }
        catch (SocketException)
        {
            // A link that is down refuses the send; echo detection is what reports the loss.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _packets.Dispose();
        await _receiving.ConfigureAwait(false);
        _lookups.Dispose();
        _stopping.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1500];
        while (!_stopping.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _packets.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token).ConfigureAwait(false);
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

            if (BfdEchoPacket.TryReadReturned(buffer.AsSpan(0, length), _local) is { } discriminator)
            {
                _onReturned(discriminator);
            }
        }
    }

    [LoggerMessage(EventId = 4402, Level = LogLevel.Warning, Message = "BFD echo: receive failed ({Error})")]
    private static partial void LogReceiveFailed(ILogger logger, SocketError error);
}
