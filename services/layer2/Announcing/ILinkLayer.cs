using System.Net;

namespace IronLb.Layer2.Announcing;

/// <summary>Receives each captured frame with the port it arrived on; runs on the port's capture thread.</summary>
internal delegate void FrameReceived(ILinkPort port, ReadOnlySpan<byte> frame);

/// <summary>The raw link layer under the announcer: interface discovery and per-interface capture/send ports.</summary>
internal interface ILinkLayer
{
    /// <summary>Throws a clear error when this process cannot capture or send raw frames (CAP_NET_RAW missing).</summary>
    void EnsurePermitted();

    IReadOnlyList<LinkInterface> GetInterfaces();

    /// <summary>Opens capture and send on one interface; throws with the interface name when it cannot.</summary>
    ILinkPort Open(LinkInterface link, FrameReceived onFrame);
}

/// <summary>Capture and send on one interface, with the multicast groups joined on it.</summary>
internal interface ILinkPort : IDisposable
{
    string InterfaceName { get; }

    int InterfaceIndex { get; }

    /// <summary>True once capture on it has stopped for good (the interface went down or away): it must be opened again.</summary>
    bool IsBroken { get; }

    void Send(ReadOnlySpan<byte> frame);

    /// <summary>Joins exactly these IPv6 multicast groups on the interface, leaving any others joined before.</summary>
    void SetMulticastGroups(IReadOnlySet<IPAddress> groups);
}
