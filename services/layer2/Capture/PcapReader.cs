using SharpPcap;
using SharpPcap.LibPcap;

namespace IronLb.Layer2.Capture;

/// <summary>
/// One libpcap capture handle on an interface and the thread that reads it: non-blocking reads until the ring is
/// empty, then a poll(2) sleep with a timeout so Dispose can end it on an idle link. Optionally kept on one CPU.
/// </summary>
internal sealed partial class PcapReader : IDisposable
{
    // How long one wait for a frame may sleep: the reader checks for Dispose this often on an idle link.
    private const int IdleWaitMilliseconds = 100;

    private readonly LibPcapLiveDevice _device;
    private readonly Action<ReadOnlySpan<byte>> _onFrame;
    private readonly ILogger _logger;
    private readonly string _interfaceName;
    private readonly int? _cpu;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _placed = new();
    private volatile bool _stopping;
    private volatile bool _broken;

    /// <summary>Opens the capture; <paramref name="position"/> is the reader's place in its fanout group (null when it is
    /// the interface's only reader) and <paramref name="cpu"/> the CPU to keep it on (null: wherever the scheduler puts it).</summary>
    public PcapReader(PcapInterface pcapInterface, string interfaceName, int? position, int? cpu, int bufferBytes, Action<ReadOnlySpan<byte>> onFrame, ILogger logger)
    {
        _interfaceName = interfaceName;
        _cpu = cpu;
        _onFrame = onFrame;
        _logger = logger;
        _device = new LibPcapLiveDevice(pcapInterface);
        string? configurationFailure = null;
        var configuration = new DeviceConfiguration
        {
            Mode = DeviceModes.None,

            // Without immediate mode libpcap's TPACKET_V3 ring hands frames over only when a block fills or the
            // read timeout expires: replies then take tens to hundreds of milliseconds instead of ~0.1 ms.
            Immediate = true,

            // Whole frames: a solicitation with many options (SEND, RFC 3971) must not be cut and then dropped as
            // truncated; the filter keeps everything but requests out, so the size costs nothing.
            Snaplen = 2048,
            BufferSize = bufferBytes,
        };
        configuration.ConfigurationFailed += (_, e) => configurationFailure ??= $"{e.Property}: {e.Error}";
        try
        {
            _device.Open(configuration);
        }
        catch (PcapException ex)
        {
            _device.Dispose();
            throw new InvalidOperationException($"Cannot open interface {interfaceName} for capture: {ex.Message}", ex);
        }

        if (configurationFailure is not null)
        {
            _device.Dispose();
            throw new InvalidOperationException($"Cannot configure interface {interfaceName} for capture ({configurationFailure})");
        }

        try
        {
            _device.Filter = CaptureFilter.Expression;
            _device.NonBlockingMode = true;
            Descriptor = PcapWait.DescriptorOf(_device.Handle);
        }
        catch (Exception ex) when (ex is PcapException or InvalidOperationException or DllNotFoundException)
        {
            _device.Dispose();
            throw new InvalidOperationException($"Cannot wait for frames on interface {interfaceName}: {ex.Message}", ex);
        }

        _thread = new Thread(ReadLoop) { IsBackground = true, Name = position is { } p ? $"l2 cpu{p} {interfaceName}" : $"l2 {interfaceName}" };
    }

    /// <summary>The capture socket's file descriptor, for poll(2) and socket options.</summary>
    public int Descriptor { get; }

    /// <summary>True once the capture ended on an error (the interface went down or away).</summary>
    public bool IsBroken => _broken;

    /// <summary>Starts reading, returning once the thread is on its CPU; frames go to the callback on that thread.</summary>
    public void Start()
    {
        _thread.Start();
        _placed.Wait(TimeSpan.FromSeconds(5));
    }

    public void Send(ReadOnlySpan<byte> frame) => _device.SendPacket(frame);

    public void Dispose()
    {
        _stopping = true;
        if (_thread.IsAlive && !_thread.Join(TimeSpan.FromSeconds(5)))
        {
            LogStopFailed(_logger, _interfaceName);
        }

        _device.Dispose();
        _placed.Dispose();
    }

    private void ReadLoop()
    {
        if (_cpu is { } cpu && !CpuAffinity.PinCurrentThread(cpu))
        {
            LogPinFailed(_logger, _interfaceName, cpu);
        }

        _placed.Set();

        while (!_stopping)
        {
            GetPacketStatus status;
            try
            {
                status = _device.GetNextPacket(out var packet);
                if (status == GetPacketStatus.PacketRead)
                {
                    _onFrame(packet.Data);
                    continue;
                }
            }
            catch (PcapException ex)
            {
                Break(ex);
                return;
            }

            if (status == GetPacketStatus.Error)
            {
                Break(null);
                return;
            }

            try
            {
                PcapWait.Readable(Descriptor, IdleWaitMilliseconds);
            }
            catch (InvalidOperationException ex)
            {
                Break(ex);
                return;
            }
        }
    }

    private void Break(Exception? exception)
    {
        _broken = true;
        LogReadFailed(_logger, _interfaceName, exception);
    }

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "The capture reader on {Interface} did not stop in time")]
    private static partial void LogStopFailed(ILogger logger, string @interface);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Capture on {Interface} failed; it is opened again at the next interface refresh")]
    private static partial void LogReadFailed(ILogger logger, string @interface, Exception? exception);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "The capture reader on {Interface} could not be kept on CPU {Cpu}; it runs wherever the scheduler puts it")]
    private static partial void LogPinFailed(ILogger logger, string @interface, int cpu);
}
