using System.Collections.Concurrent;
using System.Net;
using IronLb.Layer2.Announcing;

namespace IronLb.Layer2.Tests.Announcing;

/// <summary>Stands in for libpcap and the OS: a settable interface list, and ports that record the raw frames sent
/// and let a test deliver raw frames as if captured.</summary>
internal sealed class FakeLinkLayer : ILinkLayer
{
    private readonly ConcurrentDictionary<string, FakePort> _open = new();

    public List<LinkInterface> Interfaces { get; set; } = [];

    public HashSet<string> Unopenable { get; } = [];

    public string? PermissionError { get; set; }

    public int OpenCount { get; private set; }

    public IReadOnlyDictionary<string, FakePort> OpenPorts => _open;

    public void EnsurePermitted()
    {
        if (PermissionError is not null)
        {
            throw new InvalidOperationException(PermissionError);
        }
    }

    public IReadOnlyList<LinkInterface> GetInterfaces() => Interfaces.ToList();

    public ILinkPort Open(LinkInterface link, FrameReceived onFrame)
    {
        if (Unopenable.Contains(link.Name))
        {
            throw new InvalidOperationException($"cannot open {link.Name}");
        }

        OpenCount++;
        var port = new FakePort(this, link, onFrame);
        _open[link.Name] = port;
        return port;
    }

    /// <summary>Delivers a frame on an interface; returns the frames sent in answer.</summary>
    public IReadOnlyList<byte[]> Deliver(string interfaceName, byte[] frame)
    {
        if (!_open.TryGetValue(interfaceName, out var port))
        {
            return [];
        }

        var before = port.Sent.Count;
        port.OnFrame(port, frame);
        return port.Sent.Skip(before).ToList();
    }

    internal sealed class FakePort(FakeLinkLayer owner, LinkInterface link, FrameReceived onFrame) : ILinkPort
    {
        public FrameReceived OnFrame { get; } = onFrame;

        public List<byte[]> Sent { get; } = [];

        public IReadOnlySet<IPAddress> Groups { get; private set; } = new HashSet<IPAddress>();

        public bool Disposed { get; private set; }

        public bool IsBroken { get; set; }

        public string InterfaceName => link.Name;

        public int InterfaceIndex => link.Index;

        public void Send(ReadOnlySpan<byte> frame)
        {
            ObjectDisposedException.ThrowIf(Disposed, this);
            Sent.Add(frame.ToArray());
        }

        public void SetMulticastGroups(IReadOnlySet<IPAddress> groups) => Groups = groups.ToHashSet();

        public void Dispose()
        {
            Disposed = true;
            owner._open.TryRemove(new KeyValuePair<string, FakePort>(link.Name, this));
        }
    }
}
