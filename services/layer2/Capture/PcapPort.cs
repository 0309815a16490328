using System.Net;
using System.Net.Sockets;
using IronLb.Layer2.Announcing;
using SharpPcap;
using SharpPcap.LibPcap;

namespace IronLb.Layer2.Capture;

/// <summary>Capture and send on one interface through libpcap, plus the solicited-node groups joined on it.</summary>
internal sealed partial class PcapPort : ILinkPort
{
    // How long one wait for a frame may sleep: the reader checks for Dispose this often on an idle link.
    private const int IdleWaitMilliseconds = 100;

    private readonly LibPcapLiveDevice _device;
    private readonly FrameReceived _onFrame;
    private readonly ILogger _logger;
    private readonly int _descriptor;
    private readonly Thread _reader;
    private volatile bool _stopping;
    private volatile bool _broken;
    private readonly Lock _groupsGate = new();
    private readonly HashSet<IPAddress> _joined = [];
    private Socket? _membershipSocket;

    public PcapPort(PcapInterface pcapInterface, LinkInterface link, FrameReceived onFrame, ILogger logger)
    {
        InterfaceName = link.Name;
        InterfaceIndex = link.Index;
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
        };
        configuration.ConfigurationFailed += (_, e) => configurationFailure ??= $"{e.Property}: {e.Error}";
        try
        {
            _device.Open(configuration);
        }
        catch (PcapException ex)
        {
            _device.Dispose();
            throw new InvalidOperationException($"Cannot open interface {link.Name} for capture: {ex.Message}", ex);
        }

        if (configurationFailure is not null)
        {
            _device.Dispose();
            throw new InvalidOperationException($"Cannot configure interface {link.Name} for capture ({configurationFailure})");
        }

        _device.Filter = CaptureFilter.Expression;

        // Our own reader instead of SharpPcap's capture thread: non-blocking reads until the ring is empty, then a
        // poll(2) sleep with a timeout so Dispose can end it on an idle link.
        try
        {
            _device.NonBlockingMode = true;
            _descriptor = PcapWait.DescriptorOf(_device.Handle);
        }
        catch (Exception ex) when (ex is PcapException or InvalidOperationException or DllNotFoundException)
        {
            _device.Dispose();
            throw new InvalidOperationException($"Cannot wait for frames on interface {link.Name}: {ex.Message}", ex);
        }

        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"layer2 capture {link.Name}" };
        _reader.Start();
    }

    public string InterfaceName { get; }

    public int InterfaceIndex { get; }

    public bool IsBroken => _broken;

    public void Send(ReadOnlySpan<byte> frame) => _device.SendPacket(frame);

    public void SetMulticastGroups(IReadOnlySet<IPAddress> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        lock (_groupsGate)
        {
            if (groups.Count > 0 && _membershipSocket is null)
            {
                // Joining through a socket makes the kernel send MLD reports and program the NIC's multicast filter,
                // which is what lets MLD-snooping switches forward solicitations to this port.
                _membershipSocket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            }

            foreach (var group in _joined.Where(g => !groups.Contains(g)).ToList())
            {
                _membershipSocket!.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.DropMembership, new IPv6MulticastOption(group, InterfaceIndex));
                _joined.Remove(group);
                LogLeft(_logger, group, InterfaceName);
            }

            foreach (var group in groups.Where(g => !_joined.Contains(g)))
            {
                _membershipSocket!.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(group, InterfaceIndex));
                _joined.Add(group);
                LogJoined(_logger, group, InterfaceName);
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        if (!_reader.Join(TimeSpan.FromSeconds(5)))
        {
            LogStopFailed(_logger, InterfaceName);
        }

        _device.Dispose();
        lock (_groupsGate)
        {
            // Closing the socket leaves every group it joined.
            _membershipSocket?.Dispose();
            _joined.Clear();
        }
    }

    private void ReadLoop()
    {
        while (!_stopping)
        {
            GetPacketStatus status;
            try
            {
                status = _device.GetNextPacket(out var packet);
                if (status == GetPacketStatus.PacketRead)
                {
                    _onFrame(this, packet.Data);
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
                PcapWait.Readable(_descriptor, IdleWaitMilliseconds);
            }
            catch (InvalidOperationException ex)
            {
                Break(ex);
                return;
            }
        }
    }

    /// <summary>The interface went down or away under us; the announcer's next interface refresh opens the port again.</summary>
    private void Break(Exception? exception)
    {
        _broken = true;
        LogReadFailed(_logger, InterfaceName, exception);
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Joined {Group} on {Interface}")]
    private static partial void LogJoined(ILogger logger, IPAddress group, string @interface);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "Left {Group} on {Interface}")]
    private static partial void LogLeft(ILogger logger, IPAddress group, string @interface);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "The capture reader on {Interface} did not stop in time")]
    private static partial void LogStopFailed(ILogger logger, string @interface);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Capture on {Interface} failed; it is opened again at the next interface refresh")]
    private static partial void LogReadFailed(ILogger logger, string @interface, Exception? exception);
}
