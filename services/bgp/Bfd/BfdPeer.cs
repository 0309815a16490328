using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace IronLb.Bgp.Bfd;

/// <summary>One BFD session, its sending socket and echo link, with a loop that serialises packets and timer work.</summary>
internal sealed class BfdPeer : IAsyncDisposable
{
    private readonly Socket _sender;
    private readonly IPEndPoint _destination;
    private readonly Channel<Action> _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly BfdSession _session;
    private readonly Task _loop;
    private BfdEchoLink? _echo;
    private long _controlIn;
    private long _controlOut;
    private long _echoIn;
    private long _echoOut;
    private long _upEvents;

    public BfdPeer(BfdSessionKey key, Socket sender, IPEndPoint destination, BfdSettings settings, uint discriminator, TimeProvider time, Action<BfdState, BfdState> onStateChanged)
    {
        Key = key;
        MinimumTtl = settings.MinimumTtl;
        _sender = sender;
        _destination = destination;
        _session = new BfdSession(settings, discriminator, time, Send, action => _work.Writer.TryWrite(action), sendEcho: SendEcho);
        _session.StateChanged += (from, to) =>
        {
            State = to;
            if (to == BfdState.Up)
            {
                Interlocked.Increment(ref _upEvents);
            }

            if (to == BfdState.Down)
            {
                LastDownDiagnostic = _session.LocalDiagnostic;
                if (from == BfdState.Up)
                {
                    Flaps++;
                }
            }

            onStateChanged(from, to);
        };
        _loop = Task.Run(RunAsync);
    }

    public BfdSessionKey Key { get; }

    /// <summary>The lowest TTL a multi-hop packet may arrive with.</summary>
    public byte MinimumTtl { get; }

    public uint Discriminator => _session.LocalDiscriminator;

    public BfdState State { get; private set; } = BfdState.Down;

    /// <summary>Why the session last went Down (control detection, echo, the peer), or null while it never did.</summary>
    public BfdDiagnostic? LastDownDiagnostic { get; private set; }

    /// <summary>How many times the session went from Up to Down. A Down while still coming up (Init) is not counted:
    /// that is the three-way handshake meeting a peer that restarted its side.</summary>
    public int Flaps { get; private set; }

    /// <summary>Packets counted as FRR's "show bfd peers counters" counts them (MetalLB's metallb_bfd_* metrics).</summary>
    public BfdCounters Counters => new(
        Interlocked.Read(ref _controlIn), Interlocked.Read(ref _controlOut), Interlocked.Read(ref _echoIn), Interlocked.Read(ref _echoOut),
        Interlocked.Read(ref _upEvents), Flaps);

    /// <summary>Whether our echo packets are going out and coming back.</summary>
    public bool EchoActive => _session.EchoActive;

    /// <summary>Why the profile's echo mode could not be set up for this session (no route, no CAP_NET_RAW...), or null.</summary>
    public string? EchoUnavailable { get; set; }

    /// <summary>Gives the session its echo link, before <see cref="Start"/>; without one the echo function stays off.</summary>
    public void UseEcho(BfdEchoLink echo) => _echo = echo;

    /// <summary>An echo packet with <paramref name="discriminator"/> came back on the echo link.</summary>
    public void ReceiveEcho(uint discriminator)
    {
        if (discriminator == Discriminator)
        {
            Interlocked.Increment(ref _echoIn);
            _work.Writer.TryWrite(_session.ReceiveEcho);
        }
    }

    public void Start() => _work.Writer.TryWrite(_session.Start);

    public void Receive(BfdPacket packet)
    {
        Interlocked.Increment(ref _controlIn);
        _work.Writer.TryWrite(() => _session.Receive(packet));
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryWrite(_session.AdminDown);
        _work.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _session.Dispose();
        if (_echo is not null)
        {
            await _echo.DisposeAsync().ConfigureAwait(false);
        }

        _sender.Dispose();
    }

    private void Send(BfdPacket packet)
    {
        Span<byte> bytes = stackalloc byte[BfdPacket.Length];
        packet.Write(bytes);
        try
        {
            _sender.SendTo(bytes, SocketFlags.None, _destination);
            Interlocked.Increment(ref _controlOut);
        }
        catch (SocketException)
        {
            // A link that is down refuses the send; the detection timer is what reports the loss.
        }
    }

    private void SendEcho(ulong sequence)
    {
        if (_echo is { } echo)
        {
            echo.Send(Discriminator, sequence);
            Interlocked.Increment(ref _echoOut);
        }
    }

    private async Task RunAsync()
    {
        await foreach (var action in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            action();
        }
    }
}

/// <summary>One BFD session's packet and event counts since it was created.</summary>
internal sealed record BfdCounters(long ControlIn, long ControlOut, long EchoIn, long EchoOut, long UpEvents, long DownEvents);
