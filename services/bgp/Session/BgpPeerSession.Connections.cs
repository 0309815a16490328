using System.Net.Sockets;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Transport;

namespace IronLb.Bgp.Session;

/// <summary>The connection side of a peer session: outbound attempts, accepted connections, collision resolution.</summary>
internal sealed partial class BgpPeerSession
{
    void IBgpFsmHost.Connect()
    {
        _connectAttempt?.Cancel();
        _connectAttempt?.Dispose();
        var attempt = ++_attempt;
        var cancellation = _connectAttempt = new CancellationTokenSource(Settings.ConnectRetryTime, _time);
        _ = Task.Run(async () =>
        {
            Socket? socket = null;
            try
            {
                socket = await BgpConnector.ConnectAsync(Settings, _sockets, cancellation.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                LogConnectFailed(_logger, Settings.PeerAddress, ex.Message);
            }

            if (!Post(new ConnectedInput(attempt, socket)))
            {
                socket?.Dispose();
            }
        });
    }

    private void OnConnected(ConnectedInput connected)
    {
        if (connected.Attempt != _attempt || _fsm.State != BgpState.Connect || _stopped)
        {
            connected.Socket?.Dispose();
            return;
        }

        if (connected.Socket is null)
        {
            _fsm.Handle(new BgpEvent(BgpEventKind.TcpConnectionFails));
            return;
        }

        _connection = new BgpConnection(connected.Socket, inbound: false, this, _logger);
        _connection.Start();
        _fsm.Handle(new BgpEvent(BgpEventKind.TcpCrAcked));
    }

    private void OnInbound(Socket socket)
    {
        BgpConnector.SetTtl(socket, Settings);
        switch (_fsm.State)
        {
            case BgpState.Connect or BgpState.Active when !_stopped:
                // Take the peer's connection instead of our own attempt.
                _connectAttempt?.Cancel();
                _attempt++;
                _connection = new BgpConnection(socket, inbound: true, this, _logger);
                _connection.Start();
                _fsm.Handle(new BgpEvent(BgpEventKind.TcpConnectionConfirmed));
                break;
            case BgpState.OpenSent or BgpState.OpenConfirm when !_stopped:
                // A collision (RFC 4271 §6.8): hold the new connection until its OPEN names the peer's identifier.
                if (_pending is { } older)
                {
                    _closing.Add(older.CloseAsync(TimeSpan.Zero));
                }

                _pending = new BgpConnection(socket, inbound: true, this, _logger);
                _pending.Start();
                break;
            default:
                // Idle refuses connections (§8.2.2); in Established the existing session wins.
                var refused = new BgpConnection(socket, inbound: true, this, _logger);
                refused.Send(new NotificationMessage(BgpErrorCode.Cease, _fsm.State == BgpState.Established ? BgpErrorSubcode.ConnectionCollisionResolution : BgpErrorSubcode.ConnectionRejected));
                refused.Start();
                _closing.Add(refused.CloseAsync(FlushTimeout));
                break;
        }
    }

    /// <summary>RFC 4271 §6.8: of two connections, keep the one opened by the speaker with the higher BGP Identifier.</summary>
    private void ResolveCollision(BgpDecodeResult result)
    {
        var pending = _pending!;
        _pending = null;
        if (result.Message is not OpenMessage open)
        {
            _closing.Add(pending.CloseAsync(TimeSpan.Zero));
            return;
        }

        var peerWins = open.BgpIdentifier > Settings.RouterId;
        var loser = peerWins ? _connection! : pending;
        LogCollision(_logger, Settings.PeerAddress, peerWins ? "the peer's connection" : "ours");
        loser.Send(new NotificationMessage(BgpErrorCode.Cease, BgpErrorSubcode.ConnectionCollisionResolution));
        _closing.Add(loser.CloseAsync(FlushTimeout));
        if (peerWins)
        {
            _connection = pending;
            _fsm.Handle(new BgpEvent(BgpEventKind.CollisionSwitch));
            _fsm.Handle(new BgpEvent(BgpEventKind.BgpOpen, open));
        }
    }
}
