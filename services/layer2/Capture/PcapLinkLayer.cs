using IronLb.Layer2.Announcing;
using Microsoft.Extensions.Options;
using SharpPcap;
using SharpPcap.LibPcap;

namespace IronLb.Layer2.Capture;

/// <summary>The link layer through libpcap (SharpPcap): interfaces from the OS, one immediate-mode port per interface,
/// read by one reader per CPU (<see cref="CaptureReaderLayout"/>) unless <see cref="Layer2AnnouncerOptions.ReaderPerCpu"/>
/// is off or the <see cref="ReaderBudget"/> is spent.</summary>
internal sealed partial class PcapLinkLayer(ILogger<PcapLinkLayer> logger, IOptions<Layer2AnnouncerOptions> options) : ILinkLayer
{
    private readonly Lazy<IReadOnlyList<int?>> _layout = new(() => options.Value.ReaderPerCpu ? CaptureReaderLayout.For(CpuAffinity.Allowed()) : []);
    private readonly ReaderBudget _budget = new(ReaderBudget.DefaultCapacity);
    private volatile bool _fanoutRefused;

    public void EnsurePermitted()
    {
        if (NetRawCapability.IsEffective() == false)
        {
            throw new InvalidOperationException(
                "The Layer 2 announcer needs CAP_NET_RAW to capture and send ARP/NDP frames; grant it to the container " +
                "(securityContext.capabilities.add: [NET_RAW]) or run the process with it.");
        }

        try
        {
            _ = SharpPcap.Pcap.Version;

            // Listing the interfaces is the first thing libpcap needs; failing here beats failing on the first owner.
            _ = PcapInterface.GetAllPcapInterfaces();
        }
        catch (DllNotFoundException ex)
        {
            throw new InvalidOperationException("libpcap is not installed (apt-get install libpcap0.8); the Layer 2 announcer cannot capture without it.", ex);
        }
        catch (PcapException ex)
        {
            throw new InvalidOperationException($"libpcap cannot list this node's interfaces: {ex.Message}", ex);
        }
    }

    public IReadOnlyList<LinkInterface> GetInterfaces() => NetworkInterfaceReader.Read();

    public ILinkPort Open(LinkInterface link, FrameReceived onFrame)
    {
        ArgumentNullException.ThrowIfNull(link);
        var pcapInterface = PcapInterface.GetAllPcapInterfaces().FirstOrDefault(p => p.Name == link.Name)
            ?? throw new InvalidOperationException($"libpcap does not list interface {link.Name}");
        var layout = _layout.Value;
        if (!_fanoutRefused && layout.Count > 0 && _budget.TryTake(layout.Count))
        {
            try
            {
                return new PcapPort(pcapInterface, link, layout, onFrame, logger, onDisposed: () => _budget.Return(layout.Count));
            }
            catch (NotSupportedException ex)
            {
                // An old kernel without unique fanout group ids: a single reader still answers, only less promptly.
                _budget.Return(layout.Count);
                _fanoutRefused = true;
                LogFanoutRefused(logger, ex.Message);
            }
            catch
            {
                _budget.Return(layout.Count);
                throw;
            }
        }

        return new PcapPort(pcapInterface, link, [], onFrame, logger);
    }

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "One capture reader per CPU is not possible here ({Reason}); each interface gets a single reader")]
    private static partial void LogFanoutRefused(ILogger logger, string reason);
}
