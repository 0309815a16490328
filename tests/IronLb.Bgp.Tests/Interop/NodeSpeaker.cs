using IronLb.Bgp.Session;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>A started speaker whose sockets live in one lab node's namespace; disposing stops both.</summary>
internal sealed class NodeSpeaker : IAsyncDisposable
{
    private readonly NetnsSocketFactory _sockets;

    /// <param name="lab">The lab.</param>
    /// <param name="node">The node whose namespace the sockets are made in.</param>
    /// <param name="listen">Whether to listen on port 179 there; without, sessions only connect out.</param>
    public NodeSpeaker(Lab lab, int node, bool listen = true)
    {
        _sockets = new NetnsSocketFactory(lab.Node(node));
        Speaker = new BgpSpeaker(listen ? new BgpSpeakerSettings() : new BgpSpeakerSettings { ListenEndpoint = null }, _sockets, TimeProvider.System, NullLoggerFactory.Instance);
        Speaker.Start();
    }

    public BgpSpeaker Speaker { get; }

    public async ValueTask DisposeAsync()
    {
        await Speaker.DisposeAsync();
        _sockets.Dispose();
    }
}
