using IronLb.Layer2.Announcing;
using SharpPcap;
using SharpPcap.LibPcap;

namespace IronLb.Layer2.Capture;

/// <summary>The link layer through libpcap (SharpPcap): interfaces from the OS, one immediate-mode port per interface.</summary>
internal sealed class PcapLinkLayer(ILogger<PcapLinkLayer> logger) : ILinkLayer
{
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
        return new PcapPort(pcapInterface, link, onFrame, logger);
    }
}
