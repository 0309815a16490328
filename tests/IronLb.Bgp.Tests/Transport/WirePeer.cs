using System.Net;
using System.Net.Sockets;
using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Tests.Transport;

/// <summary>A scripted BGP router on loopback for session tests: it speaks the real wire format, one message at a time.</summary>
internal sealed class WirePeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket? _socket;
    private byte[] _buffer = new byte[1 << 20];
    private int _filled;

    public WirePeer()
    {
        _listener.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async Task AcceptAsync(CancellationToken cancellationToken) => _socket = await _listener.AcceptSocketAsync(cancellationToken);

    /// <summary>Opens a connection to the speaker instead of waiting for one.</summary>
    public async Task ConnectAsync(IPEndPoint speaker, CancellationToken cancellationToken)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await _socket.ConnectAsync(speaker, cancellationToken);
    }

    public Task SendAsync(BgpMessage message, CancellationToken cancellationToken) => SendAsync(BgpMessageWriter.ToArray(message, BgpCodecOptions.Default), cancellationToken);

    public async Task SendAsync(byte[] raw, CancellationToken cancellationToken) => await _socket!.SendAsync(raw, SocketFlags.None, cancellationToken);

    /// <summary>The next whole message, or null when the speaker closed the connection.</summary>
    public async Task<BgpMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_filled >= BgpWire.HeaderLength)
            {
                var length = BgpMessageReader.ReadHeader(_buffer.AsSpan(0, _filled), out var error);
                Assert.Null(error);
                if (_filled >= length)
                {
                    var result = BgpMessageReader.Read(_buffer.AsSpan(0, length), BgpCodecOptions.Default);
                    _buffer.AsSpan(length, _filled - length).CopyTo(_buffer);
                    _filled -= length;
                    Assert.Null(result.Error);
                    return result.Message;
                }
            }

            var read = await _socket!.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _filled += read;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _listener.Stop();
        await Task.CompletedTask;
    }
}
