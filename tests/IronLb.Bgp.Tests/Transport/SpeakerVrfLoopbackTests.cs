using System.Net;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Session;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronLb.Bgp.Tests.Transport;

/// <summary>Sessions are told apart by address and device: one address in two VRFs is two sessions (MetalLB allows it).</summary>
public sealed class SpeakerVrfLoopbackTests
{
    private static BgpPeerSettings Peer(string name, int port, string? device) => new()
    {
        Name = name,
        LocalAsn = 64501,
        PeerAsn = 64500,
        PeerAddress = IPAddress.Loopback,
        PeerPort = port,
        RouterId = 0xC000020B,
        ConnectRetryTime = TimeSpan.FromSeconds(1),
        BindDevice = device,
    };

    [Fact]
    public async Task SetPeersAsync_OneAddressWithAndWithoutDevice_BothSessionsConnect()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var plain = new WirePeer();
        await using var bound = new WirePeer();
        await using var speaker = new BgpSpeaker(new BgpSpeakerSettings { ListenEndpoint = null }, null, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.Start();

        // Before, a dictionary keyed by address alone threw here and the node ran no session at all.
        await speaker.SetPeersAsync([Peer("default", plain.Port, null), Peer("in-lo", bound.Port, "lo")], cts.Token);

        await plain.AcceptAsync(cts.Token);
        await bound.AcceptAsync(cts.Token);
        Assert.IsType<OpenMessage>(await plain.ReceiveAsync(cts.Token));
        Assert.IsType<OpenMessage>(await bound.ReceiveAsync(cts.Token));
        Assert.Equal(2, speaker.Status().Count);
        Assert.Equal("in-lo", speaker.Peer(IPAddress.Loopback, "lo")!.Settings.Name);
        Assert.Equal("default", speaker.Peer(IPAddress.Loopback)!.Settings.Name);
    }
}
