using System.Net;
using IronLb.Layer2.Announcing;
using IronLb.Layer2.Arp;
using IronLb.Layer2.Capture;
using IronLb.Layer2.Ndp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static IronLb.Layer2.Tests.Announcing.TestLinks;

namespace IronLb.Layer2.Tests.Announcing;

public sealed class Layer2AnnouncerTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeLinkLayer _link = new() { Interfaces = [Lo, Eth0] };
    private readonly SingleMeterFactory _meters = new();
    private readonly MetricRecorder _metrics;
    private readonly Layer2Announcer _announcer;

    public Layer2AnnouncerTests()
    {
        _metrics = new MetricRecorder(_meters.Meter);
        var options = Options.Create(new Layer2AnnouncerOptions
        {
            GratuitousCount = 3,
            GratuitousInterval = TimeSpan.FromSeconds(1),
            InterfaceRefreshInterval = TimeSpan.FromSeconds(2),
        });
        _announcer = new Layer2Announcer(options, _link, new Layer2Metrics(_meters), _time, NullLogger<Layer2Announcer>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _announcer.DisposeAsync();
        _metrics.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task StartAsync_PermissionMissing_ThrowsTheLinkLayersMessage()
    {
        _link.PermissionError = "needs CAP_NET_RAW";

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => _announcer.StartAsync(CancellationToken.None));

        Assert.Contains("CAP_NET_RAW", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyOwnership_IPv4Gained_GratuitousArpAtOnceThenRepeatedOverSeconds()
    {
        await _announcer.StartAsync(CancellationToken.None);

        _announcer.ApplyOwnership([Owned(Vip)]);

        var port = _link.OpenPorts["eth0"];
        var first = Assert.Single(port.Sent);
        Assert.True(ArpPacket.TryParse(first, out var ethernet, out var garp, out _));
        Assert.Equal(MacAddress.Broadcast, ethernet.Destination);
        Assert.Equal(ArpPacket.Gratuitous(Vip, Eth0Mac), garp);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(port.Sent);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, port.Sent.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, port.Sent.Count);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(3, port.Sent.Count);
        Assert.Equal(3, _metrics.Total("metallb_layer2_gratuitous_sent", Vip.ToString()));
    }

    [Fact]
    public async Task ApplyOwnership_IPv6Gained_UnsolicitedOverrideAdvertisementAndSolicitedNodeGroupJoined()
    {
        await _announcer.StartAsync(CancellationToken.None);

        _announcer.ApplyOwnership([Owned(Vip6)]);

        var port = _link.OpenPorts["eth0"];
        Assert.True(NdpMessage.TryParse(Assert.Single(port.Sent), out var ethernet, out var na, out var error), error.ToString());
        Assert.Equal(MacAddress.Parse("33:33:00:00:00:01"), ethernet.Destination);
        Assert.Equal(NeighborAdvertisementFlags.Override, na!.Flags);
        Assert.Equal(Vip6, na.Target);
        Assert.Equal([SolicitedNodeAddress.For(Vip6)], port.Groups);
    }

    [Fact]
    public async Task Deliver_RequestForOwnedAddress_AnsweredAndCounted()
    {
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip), Owned(Vip6)]);

        var arpReplies = _link.Deliver("eth0", ArpRequest(Vip));
        var ndpReplies = _link.Deliver("eth0", Solicitation(Vip6));

        Assert.True(ArpPacket.TryParse(Assert.Single(arpReplies), out _, out var reply, out _));
        Assert.Equal(ArpOperation.Reply, reply.Operation);
        Assert.Equal(Eth0Mac, reply.SenderHardwareAddress);
        Assert.True(NdpMessage.TryParse(Assert.Single(ndpReplies), out _, out var na, out _));
        Assert.Equal(NeighborAdvertisementFlags.Solicited | NeighborAdvertisementFlags.Override, na!.Flags);
        Assert.Equal(1, _metrics.Total("metallb_layer2_requests_received", Vip.ToString()));
        Assert.Equal(1, _metrics.Total("metallb_layer2_responses_sent", Vip.ToString()));
        Assert.Equal(1, _metrics.Total("metallb_layer2_responses_sent", Vip6.ToString()));
    }

    [Fact]
    public async Task Deliver_RequestForAddressNotOwned_NothingSentNothingCounted()
    {
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip)]);
        var other = IPAddress.Parse("203.0.113.99");

        Assert.Empty(_link.Deliver("eth0", ArpRequest(other)));
        Assert.Equal(0, _metrics.Total("metallb_layer2_requests_received", other.ToString()));
    }

    [Fact]
    public async Task ApplyOwnership_Lost_StopsAnsweringAtOnceCancelsRepeatsAndClosesPort()
    {
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip)]);
        var port = _link.OpenPorts["eth0"];

        _announcer.ApplyOwnership([]);

        Assert.Empty(_announcer.View.Owned);
        Assert.True(port.Disposed);
        port.OnFrame(port, ArpRequest(Vip));
        AdvanceInSteps(TimeSpan.FromSeconds(10));
        Assert.Single(port.Sent);
    }

    [Fact]
    public async Task ApplyOwnership_StaleEpoch_KeepsAnsweringWithoutReannouncing()
    {
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip, 5)]);
        AdvanceInSteps(TimeSpan.FromSeconds(10));
        var port = _link.OpenPorts["eth0"];
        var sent = port.Sent.Count;

        _announcer.ApplyOwnership([Owned(Vip, 4, "eth9")]);

        Assert.Equal(sent, port.Sent.Count);
        Assert.Single(_link.Deliver("eth0", ArpRequest(Vip)));
    }

    [Fact]
    public async Task ApplyOwnership_InterfaceNotInAllowedList_NeverOpenedNorAnswered()
    {
        _link.Interfaces = [Lo, Eth0, Eth1];
        await _announcer.StartAsync(CancellationToken.None);

        _announcer.ApplyOwnership([Owned(Vip, 1, "eth1")]);

        Assert.False(_link.OpenPorts.ContainsKey("eth0"));
        Assert.Single(_link.Deliver("eth1", ArpRequest(Vip)));
    }

    [Fact]
    public async Task Refresh_InterfaceAppears_OpenedAndAnnouncedWithinRefreshInterval()
    {
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip)]);
        AdvanceInSteps(TimeSpan.FromSeconds(10));

        _link.Interfaces = [Lo, Eth0, Eth1];
        _time.Advance(TimeSpan.FromSeconds(2));

        var port = _link.OpenPorts["eth1"];
        Assert.True(ArpPacket.TryParse(Assert.Single(port.Sent), out _, out var garp, out _));
        Assert.Equal(Eth1Mac, garp.SenderHardwareAddress);
        Assert.Single(_link.Deliver("eth1", ArpRequest(Vip)));
    }

    [Fact]
    public async Task Refresh_MacChanges_RepliesFromNewMacAndReannounces()
    {
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip)]);
        AdvanceInSteps(TimeSpan.FromSeconds(10));
        var port = _link.OpenPorts["eth0"];
        var sent = port.Sent.Count;
        var newMac = MacAddress.Parse("02:00:00:00:aa:11");

        _link.Interfaces = [Lo, Eth0 with { Mac = newMac }];
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(ArpPacket.TryParse(port.Sent[sent], out _, out var garp, out _));
        Assert.Equal(newMac, garp.SenderHardwareAddress);
        Assert.True(ArpPacket.TryParse(Assert.Single(_link.Deliver("eth0", ArpRequest(Vip))), out _, out var reply, out _));
        Assert.Equal(newMac, reply.SenderHardwareAddress);
    }

    [Fact]
    public async Task Refresh_InterfaceDisappears_PortClosed()
    {
        _link.Interfaces = [Lo, Eth0, Eth1];
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip)]);
        var eth1 = _link.OpenPorts["eth1"];

        _link.Interfaces = [Lo, Eth0];
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(eth1.Disposed);
        Assert.Equal(["eth0"], _announcer.View.Bindings.Keys.ToArray());
    }

    [Fact]
    public async Task Refresh_InterfaceRecreatedWithNewIndex_PortReopened()
    {
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip)]);
        var old = _link.OpenPorts["eth0"];

        _link.Interfaces = [Lo, Eth0 with { Index = 42 }];
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(old.Disposed);
        Assert.Equal(42, _link.OpenPorts["eth0"].InterfaceIndex);
    }

    [Fact]
    public async Task Refresh_PortCaptureBroke_ReopenedAtNextRefreshThoughInterfacesLookTheSame()
    {
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip)]);
        var broken = _link.OpenPorts["eth0"];

        broken.IsBroken = true;
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(broken.Disposed);
        Assert.NotSame(broken, _link.OpenPorts["eth0"]);
        Assert.Single(_link.Deliver("eth0", ArpRequest(Vip)));
    }

    [Fact]
    public async Task Refresh_PortFailedToOpen_RetriedUntilItOpens()
    {
        _link.Unopenable.Add("eth0");
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip)]);
        Assert.Empty(_link.OpenPorts);

        _link.Unopenable.Clear();
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Single(_link.Deliver("eth0", ArpRequest(Vip)));
    }

    [Fact]
    public async Task Deliver_MalformedFrames_DroppedCountedAndStillAnswering()
    {
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip)]);

        Assert.Empty(_link.Deliver("eth0", ArpRequest(Vip)[..20]));
        Assert.Empty(_link.Deliver("eth0", new byte[3]));

        Assert.Equal(1, _metrics.Total("ironlb_layer2_frames_dropped", "arp_truncated"));
        Assert.Equal(1, _metrics.Total("ironlb_layer2_frames_dropped", "truncated_ethernet"));
        Assert.Single(_link.Deliver("eth0", ArpRequest(Vip)));
    }

    [Fact]
    public async Task StopAsync_WhileOwning_StopsAnsweringAndClosesPorts()
    {
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip)]);
        var port = _link.OpenPorts["eth0"];

        await _announcer.StopAsync(CancellationToken.None);

        Assert.True(port.Disposed);
        Assert.Empty(_announcer.View.Owned);
    }

    [Fact]
    public async Task ApplyOwnership_BeforeStart_AnnouncedAndAnsweredOnceStarted()
    {
        _announcer.ApplyOwnership([Owned(Vip)]);

        await _announcer.StartAsync(CancellationToken.None);

        var port = _link.OpenPorts["eth0"];
        Assert.True(ArpPacket.TryParse(Assert.Single(port.Sent), out _, out var garp, out _));
        Assert.True(garp.IsGratuitous);
        Assert.Single(_link.Deliver("eth0", ArpRequest(Vip)));
    }

    [Fact]
    public async Task ApplyOwnership_AfterStop_IgnoredWithoutThrowing()
    {
        await _announcer.StartAsync(CancellationToken.None);
        await _announcer.StopAsync(CancellationToken.None);

        _announcer.ApplyOwnership([]);
        _announcer.ApplyOwnership([Owned(Vip)]);

        Assert.Empty(_announcer.View.Owned);
        Assert.Empty(_link.OpenPorts);
    }

    /// <summary>FakeTimeProvider jumps straight to the target time, so timers re-armed from a callback would see the
    /// end time; stepping lets each repeat fire when it is due, as on a real clock.</summary>
    [Fact]
    public async Task SetInterfaceExclusion_InterfaceNowExcluded_AddressLeavesItAndStaysOnTheOthers()
    {
        _link.Interfaces = [Lo, Eth0, Eth1];
        await _announcer.StartAsync(CancellationToken.None);
        _announcer.ApplyOwnership([Owned(Vip)]);
        var before = _announcer.View.BindingsFor(Vip).Select(b => b.Interface.Name).Order().ToList();

        _announcer.SetInterfaceExclusion(["^eth1$"]);

        Assert.Equal(["eth0", "eth1"], before);
        Assert.Equal(["eth0"], _announcer.View.BindingsFor(Vip).Select(b => b.Interface.Name));
    }

    private void AdvanceInSteps(TimeSpan total)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += TimeSpan.FromMilliseconds(250))
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
        }
    }
}
