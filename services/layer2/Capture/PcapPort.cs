using System.Net;
using System.Net.Sockets;
using IronLb.Layer2.Announcing;
using SharpPcap.LibPcap;

namespace IronLb.Layer2.Capture;

/// <summary>
/// Capture and send on one interface through libpcap, plus the solicited-node groups joined on it. With one reader per
/// CPU the capture sockets form a CPU-mode fanout group and each reader is kept on its CPU, so a frame is read on the
/// CPU that received it: waking the reader is then local, with no inter-processor interrupt.
/// </summary>
internal sealed partial class PcapPort : ILinkPort
{
    // libpcap's default ring of 2 MiB for a single reader; a quarter of it each when there is one per CPU (only ARP
    // requests and solicitations pass the filter, so even that holds hundreds of frames).
    private const int SingleReaderBufferBytes = 2 << 20;
    private const int PerCpuReaderBufferBytes = 512 << 10;

    private readonly List<PcapReader> _readers = [];
    private readonly FrameReceived _onFrame;
    private readonly ILogger _logger;
    private readonly Lock _groupsGate = new();
    private readonly HashSet<IPAddress> _joined = [];
    private readonly Action? _onDisposed;
    private Socket? _membershipSocket;
    private int _disposed;

    /// <summary>Opens the interface with one reader per entry of <paramref name="cpus"/> (see
    /// <see cref="CaptureReaderLayout"/>), or a single reader when it is empty. Throws
    /// <see cref="NotSupportedException"/> when the kernel refuses the fanout group. <paramref name="onDisposed"/> runs
    /// once the port is closed.</summary>
    public PcapPort(PcapInterface pcapInterface, LinkInterface link, IReadOnlyList<int?> cpus, FrameReceived onFrame, ILogger logger, Action? onDisposed = null)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(cpus);
        InterfaceName = link.Name;
        InterfaceIndex = link.Index;
        _onFrame = onFrame;
        _logger = logger;
        _onDisposed = onDisposed;
        try
        {
            if (cpus.Count == 0)
            {
                _readers.Add(new PcapReader(pcapInterface, link.Name, null, null, SingleReaderBufferBytes, Deliver, logger));
            }
            else
            {
                for (var position = 0; position < cpus.Count; position++)
                {
                    _readers.Add(new PcapReader(pcapInterface, link.Name, position, cpus[position], PerCpuReaderBufferBytes, Deliver, logger));
                }

                JoinFanoutGroup();
            }
        }
        catch
        {
            _readers.ForEach(r => r.Dispose());
            throw;
        }

        _readers.ForEach(r => r.Start());
    }

    public string InterfaceName { get; }

    public int InterfaceIndex { get; }

    public bool IsBroken => _readers.Exists(r => r.IsBroken);

    public void Send(ReadOnlySpan<byte> frame) => _readers[0].Send(frame);

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
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _readers.ForEach(r => r.Dispose());
        lock (_groupsGate)
        {
            // Closing the socket leaves every group it joined.
            _membershipSocket?.Dispose();
            _joined.Clear();
        }

        _onDisposed?.Invoke();
    }

    /// <summary>Joins the readers' sockets into one new CPU-mode fanout group, in position order.</summary>
    private void JoinFanoutGroup()
    {
        try
        {
            var group = PacketFanout.Create(_readers[0].Descriptor);
            foreach (var reader in _readers.Skip(1))
            {
                PacketFanout.Join(reader.Descriptor, group);
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new NotSupportedException($"Interface {InterfaceName}: {ex.Message}", ex);
        }
    }

    private void Deliver(ReadOnlySpan<byte> frame) => _onFrame(this, frame);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Joined {Group} on {Interface}")]
    private static partial void LogJoined(ILogger logger, IPAddress group, string @interface);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "Left {Group} on {Interface}")]
    private static partial void LogLeft(ILogger logger, IPAddress group, string @interface);
}
