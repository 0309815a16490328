using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Transport;

/// <summary>Receives what a <see cref="BgpConnection"/> reads, on the connection's reader task.</summary>
internal interface IBgpConnectionObserver
{
    void OnReceived(BgpConnection connection, BgpDecodeResult result);

    void OnClosed(BgpConnection connection);
}

/// <summary>
/// One TCP connection carrying BGP: a reader that frames and decodes messages, and a writer that batches queued
/// messages into few send calls. Decoding happens here so the session loop only sees whole, checked messages.
/// </summary>
internal sealed partial class BgpConnection : IAsyncDisposable
{
    private const int ReceiveBufferLength = 64 * 1024;
    private static int s_nextId;

    private readonly Socket _socket;
    private readonly IBgpConnectionObserver _observer;
    private readonly ILogger _logger;
    private readonly Channel<ReadOnlyMemory<byte>> _outgoing = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private Task _reader = Task.CompletedTask;
    private Task _writer = Task.CompletedTask;
    private volatile bool _fourOctetAs = true;

    public BgpConnection(Socket socket, bool inbound, IBgpConnectionObserver observer, ILogger logger)
    {
        _socket = socket;
        _observer = observer;
        _logger = logger;
        Inbound = inbound;
        Id = Interlocked.Increment(ref s_nextId);
        Local = (IPEndPoint)socket.LocalEndPoint!;
        Remote = (IPEndPoint)socket.RemoteEndPoint!;
        socket.NoDelay = true;
    }

    public int Id { get; }

    /// <summary>True when the peer opened it; collision resolution keeps the connection the higher identifier opened.</summary>
    public bool Inbound { get; }

    public IPEndPoint Local { get; }

    public IPEndPoint Remote { get; }

    public long BytesQueued { get; private set; }

    public void Start()
    {
        _reader = Task.Run(ReadLoopAsync);
        _writer = Task.Run(WriteLoopAsync);
    }

    public void Send(BgpMessage message) => Send(BgpMessageWriter.ToArray(message, new BgpCodecOptions(_fourOctetAs)));

    public void Send(ReadOnlyMemory<byte> encoded)
    {
        BytesQueued += encoded.Length;
        _outgoing.Writer.TryWrite(encoded);
    }

    /// <summary>Stops reading, sends what is queued (a final NOTIFICATION included), then closes; bounded by <paramref name="flushTimeout"/>.</summary>
    public async Task CloseAsync(TimeSpan flushTimeout)
    {
        _outgoing.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(flushTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A peer that stopped reading must not hold the session: the socket is closed anyway.
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        _socket.Dispose();
        await _reader.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(TimeSpan.Zero).ConfigureAwait(false);
        _closing.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[ReceiveBufferLength];
        var filled = 0;
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var read = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _closing.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                var consumed = 0;
                while (filled - consumed >= BgpWire.HeaderLength)
                {
                    var frame = buffer.AsSpan(consumed, filled - consumed);
                    var length = BgpMessageReader.ReadHeader(frame, out var headerError);
                    if (headerError is not null)
                    {
                        _observer.OnReceived(this, new BgpDecodeResult(null, headerError, UpdateErrorAction.SessionReset));
                        return; // nothing after a broken header can be framed
                    }

                    if (frame.Length < length)
                    {
                        break;
                    }

                    var result = BgpMessageReader.Read(frame[..length], new BgpCodecOptions(_fourOctetAs));
                    if (result.Message is OpenMessage open)
                    {
                        // We always offer 4-octet AS, so the peer's OPEN alone decides how its UPDATEs are read (RFC 6793 §3).
                        _fourOctetAs = open.Find<FourOctetAsCapability>() is not null;
                    }

                    consumed += length;
                    _observer.OnReceived(this, result);
                    if (result.IsSessionReset)
                    {
                        return;
                    }
                }

                // Keep the partial message at the front; the buffer always holds at least one maximum-size message.
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            LogReadEnded(_logger, Remote, ex.Message);
        }
        finally
        {
            _observer.OnClosed(this);
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<ArraySegment<byte>>();
        try
        {
            while (await _outgoing.Reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                batch.Clear();
                var bytes = 0;
                while (bytes < 256 * 1024 && _outgoing.Reader.TryRead(out var chunk))
                {
                    batch.Add(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(chunk, out var segment) ? segment : new ArraySegment<byte>(chunk.ToArray()));
                    bytes += chunk.Length;
                }

                while (batch.Count > 0)
                {
                    var sent = await _socket.SendAsync(batch, SocketFlags.None).ConfigureAwait(false);
                    Advance(batch, sent);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            LogWriteEnded(_logger, Remote, ex.Message);
        }
    }

    /// <summary>Drops the first <paramref name="sent"/> bytes of a partly sent batch.</summary>
    private static void Advance(List<ArraySegment<byte>> batch, int sent)
    {
        while (sent > 0 && batch.Count > 0)
        {
            if (sent >= batch[0].Count)
            {
                sent -= batch[0].Count;
                batch.RemoveAt(0);
            }
            else
            {
                batch[0] = batch[0][sent..];
                sent = 0;
            }
        }
    }

    [LoggerMessage(EventId = 4200, Level = LogLevel.Debug, Message = "BGP connection to {Remote}: reading ended ({Reason})")]
    private static partial void LogReadEnded(ILogger logger, IPEndPoint remote, string reason);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Debug, Message = "BGP connection to {Remote}: writing ended ({Reason})")]
    private static partial void LogWriteEnded(ILogger logger, IPEndPoint remote, string reason);
}
