using System.Net;
using System.Net.Sockets;

namespace IronLb.Bgp.Transport;

/// <summary>Accepts BGP connections on one port for every address family (a dual-mode IPv6 socket).</summary>
internal sealed partial class BgpListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Func<Socket, bool> _onAccepted;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _accepting = Task.CompletedTask;

    // onAccepted takes the accepted socket and returns false to have it closed (unknown peer).
    public BgpListener(IBgpSocketFactory factory, IPEndPoint endpoint, Func<Socket, bool> onAccepted, ILogger logger)
    {
        _onAccepted = onAccepted;
        _logger = logger;
        _socket = factory.Create(endpoint.AddressFamily);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = true;
        }

        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(endpoint);
        _socket.Listen(64);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Installs a peer's TCP MD5 key; without it the kernel drops that peer's signed SYNs.</summary>
    public void SetPassword(IPAddress peer, string password) => LinuxSocketOptions.SetMd5Signature(_socket, peer, password);

    /// <summary>Removes a peer's key (an empty key deletes it).</summary>
    public void RemovePassword(IPAddress peer)
    {
        try
        {
            LinuxSocketOptions.SetMd5Signature(_socket, peer, string.Empty);
        }
        catch (SocketException)
        {
            // No key was installed: nothing to remove.
        }
    }

    public void Start() => _accepting = Task.Run(AcceptLoopAsync);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _accepting.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                LogAcceptFailed(_logger, ex.SocketErrorCode);
                continue;
            }

            if (!_onAccepted(accepted))
            {
                LogRejected(_logger, accepted.RemoteEndPoint);
                accepted.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = 4300, Level = LogLevel.Warning, Message = "BGP listener: accept failed ({Error})")]
    private static partial void LogAcceptFailed(ILogger logger, SocketError error);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "BGP listener: refused a connection from {Remote}, not a configured peer")]
    private static partial void LogRejected(ILogger logger, EndPoint? remote);
}
