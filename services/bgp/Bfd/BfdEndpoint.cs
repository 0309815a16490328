using System.Net;
using System.Net.Sockets;
using IronLb.Bgp.Transport;

namespace IronLb.Bgp.Bfd;

/// <summary>
/// BFD over UDP: single-hop sessions (RFC 5881) on port 3784 and multi-hop sessions (RFC 5883) on port 4784. One socket
/// per kind receives for every peer and hands each packet to the session it belongs to; each session sends from its
/// own socket with TTL 255. The TTL check is done here per packet (see <see cref="Accepts"/>), because Linux
/// does not apply IP_MINTTL to UDP sockets.
/// </summary>
internal sealed partial class BfdEndpoint : IAsyncDisposable
{
    public const int ControlPort = 3784;
    public const int MultihopControlPort = 4784;

    private readonly IBgpSocketFactory _sockets;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _singleHopPort;
    private readonly int _multihopPort;
    private readonly Lock _gate = new();
    private readonly Dictionary<BfdSessionKey, BfdPeer> _byKey = [];
    private readonly Dictionary<uint, BfdPeer> _byDiscriminator = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(Socket Socket, Task Loop)> _receivers = [];
    private bool _singleHopOpen;
    private bool _multihopOpen;

    public BfdEndpoint(IBgpSocketFactory sockets, TimeProvider time, ILogger logger, int singleHopPort = ControlPort, int multihopPort = MultihopControlPort)
    {
        _sockets = sockets;
        _time = time;
        _logger = logger;
        _singleHopPort = singleHopPort;
        _multihopPort = multihopPort;
    }

    /// <summary>
    /// Starts BFD towards <paramref name="peer"/>: multi-hop (from <paramref name="source"/>, if given) or single-hop.
    /// <paramref name="onStateChanged"/> runs on the peer's loop.
    /// </summary>
    public BfdPeer Add(IPAddress peer, IPAddress? source, bool multihop, BfdSettings settings, Action<BfdState, BfdState> onStateChanged)
    {
        var key = new BfdSessionKey(peer, multihop ? source : null, multihop);
        lock (_gate)
        {
            if (multihop && !_multihopOpen)
            {
                _receivers.Add(OpenReceiver(_multihopPort, multihop: true));
                _multihopOpen = true;
            }
            else if (!multihop && !_singleHopOpen)
            {
                _receivers.Add(OpenReceiver(_singleHopPort, multihop: false));
                _singleHopOpen = true;
            }
        }

        var sender = _sockets.CreateDatagram(peer.AddressFamily);
        LinuxSocketOptions.SetTtl(sender, 255);
        BindSourcePort(sender, source ?? (peer.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any));
        var discriminator = (uint)Random.Shared.Next(1, int.MaxValue);
        var destination = new IPEndPoint(peer, multihop ? _multihopPort : _singleHopPort);
        var bfdPeer = new BfdPeer(key, sender, destination, settings, discriminator, _time, onStateChanged);
        if (!multihop && settings.EchoTransmitInterval > TimeSpan.Zero)
        {
            // RFC 5883 §3: no echo over multiple hops. Single-hop echo leaves from the address the route to the peer uses.
            string? reason = "no route to the peer";
            if ((source ?? RouteSource(peer)) is { } local && BfdEchoLink.TryOpen(_sockets, local, peer, bfdPeer.ReceiveEcho, _logger, out reason) is { } echo)
            {
                bfdPeer.UseEcho(echo);
            }
            else
            {
                bfdPeer.EchoUnavailable = reason;
                LogEchoUnavailable(_logger, peer, reason!);
            }
        }

        lock (_gate)
        {
            _byKey[key] = bfdPeer;
            _byDiscriminator[discriminator] = bfdPeer;
        }

        bfdPeer.Start();
        return bfdPeer;
    }

    public async Task RemoveAsync(BfdPeer peer)
    {
        lock (_gate)
        {
            _byKey.Remove(peer.Key);
            _byDiscriminator.Remove(peer.Discriminator);
        }

        await peer.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        List<(Socket Socket, Task Loop)> receivers;
        List<BfdPeer> peers;
        lock (_gate)
        {
            receivers = [.. _receivers];
            peers = [.. _byKey.Values];
            _byKey.Clear();
            _byDiscriminator.Clear();
        }

        foreach (var (socket, loop) in receivers)
        {
            socket.Dispose();
            await loop.ConfigureAwait(false);
        }

        foreach (var peer in peers)
        {
            await peer.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    /// <summary>
    /// Whether a packet from <paramref name="from"/> to <paramref name="to"/> with <paramref name="ttl"/> may reach the
    /// session <paramref name="key"/>. Single-hop: TTL 255 only (RFC 5881 §5, GTSM). Multi-hop: TTL at least the
    /// profile's minimum (RFC 5883 §2 leaves the check to configuration), and the packet must be addressed to the
    /// session's local address when it has one, since multi-hop sessions are keyed by both addresses.
    /// </summary>
    internal static bool Accepts(BfdSessionKey key, byte minimumTtl, bool arrivedOnMultihopPort, IPAddress from, IPAddress? to, int ttl) =>
        key.Multihop == arrivedOnMultihopPort
        && key.Remote.Equals(from)
        && (key.Multihop ? ttl >= minimumTtl && (key.Local is null || key.Local.Equals(to)) : ttl == 255);

    private (Socket, Task) OpenReceiver(int port, bool multihop)
    {
        var socket = _sockets.CreateDatagram(AddressFamily.InterNetworkV6);
        socket.DualMode = true;
        DatagramReceiver.EnableAncillaryData(socket);
        socket.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
        return (socket, Task.Run(() => ReceiveLoopAsync(socket, multihop)));
    }

    private async Task ReceiveLoopAsync(Socket socket, bool multihop)
    {
        var buffer = new byte[512];
        while (!_stopping.IsCancellationRequested)
        {
            ReceivedDatagram received;
            try
            {
                received = await DatagramReceiver.ReceiveAsync(socket, buffer, _stopping.Token).ConfigureAwait(false);
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

            if (BfdPacket.TryRead(buffer.AsSpan(0, received.Length), out var packet) && Find(packet, received, multihop) is { } peer)
            {
                peer.Receive(packet);
            }
        }
    }

    private BfdPeer? Find(BfdPacket packet, ReceivedDatagram received, bool multihop)
    {
        BfdPeer? peer;
        lock (_gate)
        {
            // RFC 5880 §6.8.6: demultiplex by Your Discriminator, or by the addresses while the peer does not know ours yet.
            peer = packet.YourDiscriminator != 0
                ? _byDiscriminator.GetValueOrDefault(packet.YourDiscriminator)
                : multihop
                    ? _byKey.GetValueOrDefault(new BfdSessionKey(received.Remote, received.Local, true)) ?? _byKey.GetValueOrDefault(new BfdSessionKey(received.Remote, null, true))
                    : _byKey.GetValueOrDefault(new BfdSessionKey(received.Remote, null, false));
        }

        if (peer is null || !Accepts(peer.Key, peer.MinimumTtl, multihop, received.Remote, received.Local, received.Ttl))
        {
            if (peer is not null)
            {
                LogRefused(_logger, received.Remote, received.Ttl);
            }

            return null;
        }

        return peer;
    }

    /// <summary>The source address the kernel picks for <paramref name="peer"/> (a route lookup; UDP connect sends nothing), or null without a route.</summary>
    private IPAddress? RouteSource(IPAddress peer)
    {
        using var probe = _sockets.CreateDatagram(peer.AddressFamily);
        try
        {
            probe.Connect(new IPEndPoint(peer, _singleHopPort));
            return ((IPEndPoint)probe.LocalEndPoint!).Address;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>RFC 5881 §4 and RFC 5883 §5: the source port is in 49152–65535.</summary>
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

    [LoggerMessage(EventId = 4400, Level = LogLevel.Warning, Message = "BFD: receive failed ({Error})")]
    private static partial void LogReceiveFailed(ILogger logger, SocketError error);

    [LoggerMessage(EventId = 4403, Level = LogLevel.Warning, Message = "BFD echo towards {Peer} is off: {Reason}")]
    private static partial void LogEchoUnavailable(ILogger logger, IPAddress peer, string reason);

    [LoggerMessage(EventId = 4401, Level = LogLevel.Debug, Message = "BFD: refused a packet from {Peer} (TTL {Ttl}, or the wrong port or local address)")]
    private static partial void LogRefused(ILogger logger, IPAddress peer, int ttl);
}

/// <summary>
/// What identifies a BFD session before discriminators are known: the peer's address, and for multi-hop sessions
/// (RFC 5883 §4) also the local address, since they are not tied to an interface.
/// </summary>
internal readonly record struct BfdSessionKey(IPAddress Remote, IPAddress? Local, bool Multihop);
