using System.Net;
using System.Net.Sockets;
using IronLb.Bgp.Protocol;
using IronLb.Bgp.Session;
using IronLb.Bgp.Tests.Protocol;
using IronLb.Bgp.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronLb.Bgp.Tests.Transport;

/// <summary>
/// A peer that misbehaves on purpose, over real loopback TCP: floods UPDATEs (which IronLB counts and drops: it keeps no
/// Adj-RIB-In) or opens and drops connections in a loop. Neither may make the speaker keep memory or sockets.
/// </summary>
public sealed class HostilePeerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const uint OurId = 0xC000020B;

    /// <summary>Far below what keeping the flooded prefixes would take (over 100 MB), far above GC noise.</summary>
    private const long RetainedBytesBound = 32L * 1024 * 1024;

    private static BgpPeerSettings Settings(int port) => new()
    {
        LocalAsn = 64501,
        PeerAsn = 64500,
        PeerAddress = IPAddress.Loopback,
        PeerPort = port,
        RouterId = OurId,
        HoldTime = TimeSpan.FromSeconds(30),
        Families = [BgpFamily.Ipv4Unicast],
        Ipv4NextHop = IPAddress.Parse("192.0.2.11"),
    };

    private static OpenMessage PeerOpen() => new(4, 64500, 30, 0xC0000201, [new MultiprotocolCapability(BgpFamily.Ipv4Unicast), new FourOctetAsCapability(64500)]);

    /// <summary>An UPDATE filling most of the 4096-byte limit with /32s from 198.18.0.0/15 (pool data only).</summary>
    private static byte[] FullUpdate(int index)
    {
        var nlri = Enumerable.Range(0, 800)
            .Select(i => new IPNetwork(new IPAddress([198, (byte)(18 + (index & 1)), (byte)((index * 3 + i / 256) & 0xFF), (byte)(i & 0xFF)]), 32))
            .ToList();
        return MessageSamples.Encode(new UpdateMessage([], MessageSamples.Attributes(), nlri));
    }

    [Fact]
    public async Task UpdateFlood_Established_CountedDroppedAndNothingRetained()
    {
        const int updates = 4000;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var peer = new WirePeer();
        await using var session = new BgpPeerSession(Settings(peer.Port), DefaultSocketFactory.Instance, TimeProvider.System, NullLogger.Instance);
        session.Start();
        await peer.AcceptAsync(cts.Token);
        Assert.IsType<OpenMessage>(await peer.ReceiveAsync(cts.Token));
        await peer.SendAsync(PeerOpen(), cts.Token);
        await peer.SendAsync(KeepaliveMessage.Instance, cts.Token);
        await session.WaitForAsync(s => s.State == BgpState.Established, cts.Token);
        var samples = Enumerable.Range(0, 16).Select(FullUpdate).ToArray();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < updates; i++)
        {
            await peer.SendAsync(samples[i % samples.Length], cts.Token);
        }

        await session.WaitForAsync(s => s.UpdatesReceived >= updates, cts.Token);
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        output.WriteLine($"{updates} UPDATEs ({updates * 800:N0} prefixes): {retained:N0} bytes retained");

        Assert.Equal(BgpState.Established, session.Status.State);
        Assert.Equal(updates, session.Status.UpdatesReceived);
        Assert.True(retained < RetainedBytesBound, $"{retained:N0} bytes retained after {updates} UPDATEs of 800 prefixes");
    }

    [Fact]
    public async Task ConnectionLoop_KnownAndUnknownAddresses_NoSocketsLeftAndSpeakerStillServes()
    {
        const int connections = 600;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var ourSide = new WirePeer();
        await using var speaker = new BgpSpeaker(new BgpSpeakerSettings { ListenEndpoint = new IPEndPoint(IPAddress.Loopback, 0) }, null, TimeProvider.System, NullLoggerFactory.Instance);
        speaker.Start();
        await speaker.SetPeersAsync([Settings(ourSide.Port) with { Passive = true }], cts.Token);
        var baseline = OpenDescriptors();

        for (var i = 0; i < connections; i++)
        {
            // Every other one from an address no BGPPeer names (closed at once), the rest from the peer's own address.
            var source = i % 2 == 0 ? IPAddress.Parse("127.0.0.2") : IPAddress.Loopback;
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(speaker.ListenEndpoint!, cts.Token);
            if (i % 3 == 0)
            {
                await socket.SendAsync(MessageSamples.Encode(PeerOpen()), SocketFlags.None, cts.Token);
            }
        }

        // The speaker closes what it does not keep on its own schedule: wait, bounded, for the descriptors to come back.
        var settled = await Settled(() => OpenDescriptors() <= baseline + 4, TimeSpan.FromSeconds(30));
        output.WriteLine($"descriptors: {baseline} before, {OpenDescriptors()} after {connections} connections");
        await using var honest = new WirePeer();
        await honest.ConnectAsync(speaker.ListenEndpoint!, cts.Token);
        await honest.SendAsync(PeerOpen(), cts.Token);
        var answer = await honest.ReceiveAsync(cts.Token);

        Assert.True(settled, $"{OpenDescriptors()} descriptors open, {baseline} before {connections} connections");
        Assert.True(answer is OpenMessage or KeepaliveMessage or NotificationMessage, $"the speaker answered {answer}");
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    private static async Task<bool> Settled(Func<bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return condition();
            }
        }

        return true;
    }
}
