using System.Net;
using System.Net.Sockets;
using IronLb.Layer2.Announcing;
using SharpPcap;
using SharpPcap.LibPcap;

namespace IronLb.Layer2.Capture;

/// <summary>Capture and send on one interface through libpcap, plus the solicited-node groups joined on it.</summary>
internal sealed partial class PcapPort : ILinkPort
{
    private readonly LibPcapLiveDevice _device;
    private readonly FrameReceived _onFrame;
    private readonly ILogger _logger;
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
            ReadTimeout = 200,

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
        // SharpPcap's capture thread waits in poll() with a timeout, so StopCapture ends it cleanly; a private loop over
        // pcap_next_ex would block in immediate mode until the next frame and could not be stopped on an idle link.
        _device.OnPacketArrival += OnPacketArrival;
        _device.StartCapture();
    }

    public string InterfaceName { get; }

    public int InterfaceIndex { get; }

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
        _device.OnPacketArrival -= OnPacketArrival;
        try
        {
            _device.StopCapture();
        }
        catch (PcapException ex)
        {
            // The interface may already be gone; the handle is closed below either way.
            LogStopFailed(_logger, InterfaceName, ex);
        }

        _device.Dispose();
        lock (_groupsGate)
        {
            // Closing the socket leaves every group it joined.
            _membershipSocket?.Dispose();
            _joined.Clear();
        }
    }

    private void OnPacketArrival(object sender, PacketCapture e) => _onFrame(this, e.Data);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Joined {Group} on {Interface}")]
    private static partial void LogJoined(ILogger logger, IPAddress group, string @interface);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "Left {Group} on {Interface}")]
    private static partial void LogLeft(ILogger logger, IPAddress group, string @interface);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Stopping capture on {Interface} failed")]
    private static partial void LogStopFailed(ILogger logger, string @interface, Exception exception);
}
