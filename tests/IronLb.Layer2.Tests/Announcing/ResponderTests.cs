using System.Net;
using IronLb.Layer2.Announcing;
using IronLb.Layer2.Arp;
using IronLb.Layer2.Capture;
using IronLb.Layer2.Ndp;
using static IronLb.Layer2.Tests.Announcing.TestLinks;

namespace IronLb.Layer2.Tests.Announcing;

public class ResponderTests
{
    private static readonly ResponderView View = ResponderView.Build(
        [Owned(Vip), Owned(Vip6), Owned(IPAddress.Parse("203.0.113.21"), 1, "eth1")],
        [Lo, Eth0, Eth1]);

    private readonly byte[] _reply = new byte[Responder.MaxReplyLength];

    [Fact]
    public void Handle_ArpRequestForOwnedAddress_RepliesFromReceivingInterfaceMacToRequester()
    {
        var outcome = Responder.Handle(View, "eth0", ArpRequest(Vip), _reply);

        Assert.Equal(ResponderVerdict.Answered, outcome.Verdict);
        Assert.Equal(Vip, outcome.Address);
        Assert.True(ArpPacket.TryParse(_reply.AsSpan(0, outcome.ReplyLength), out var ethernet, out var reply, out _));
        Assert.Equal(PeerMac, ethernet.Destination);
        Assert.Equal(Eth0Mac, ethernet.Source);
        Assert.Equal(new ArpPacket(ArpOperation.Reply, Eth0Mac, Vip, PeerMac, PeerIp), reply);
    }

    [Fact]
    public void Handle_ArpRequestForOtherAddress_NotOwned()
    {
        var outcome = Responder.Handle(View, "eth0", ArpRequest(IPAddress.Parse("203.0.113.99")), _reply);

        Assert.Equal(ResponderVerdict.NotOwned, outcome.Verdict);
    }

    [Fact]
    public void Handle_ArpRequestForAddressLimitedToOtherInterface_InterfaceNotAllowed()
    {
        var outcome = Responder.Handle(View, "eth0", ArpRequest(IPAddress.Parse("203.0.113.21")), _reply);

        Assert.Equal(ResponderVerdict.InterfaceNotAllowed, outcome.Verdict);
    }

    [Fact]
    public void Handle_ArpRequestOnNamedInterface_RepliesWithThatInterfacesMac()
    {
        var outcome = Responder.Handle(View, "eth1", ArpRequest(IPAddress.Parse("203.0.113.21")), _reply);

        Assert.Equal(ResponderVerdict.Answered, outcome.Verdict);
        Assert.True(ArpPacket.TryParse(_reply.AsSpan(0, outcome.ReplyLength), out _, out var reply, out _));
        Assert.Equal(Eth1Mac, reply.SenderHardwareAddress);
    }

    [Fact]
    public void Handle_OurOwnGratuitousArpSeenByCapture_OwnFrame()
    {
        var frame = new byte[ArpPacket.FrameLength];
        ArpPacket.Gratuitous(Vip, Eth0Mac).WriteFrame(MacAddress.Broadcast, Eth0Mac, frame);

        Assert.Equal(ResponderVerdict.OwnFrame, Responder.Handle(View, "eth0", frame, _reply).Verdict);
    }

    [Fact]
    public void Handle_OtherNodesGratuitousArpForOwnedAddress_NotAnswered()
    {
        var other = MacAddress.Parse("02:00:00:00:00:12");
        var frame = new byte[ArpPacket.FrameLength];
        ArpPacket.Gratuitous(Vip, other).WriteFrame(MacAddress.Broadcast, other, frame);

        Assert.Equal(ResponderVerdict.GratuitousFromPeer, Responder.Handle(View, "eth0", frame, _reply).Verdict);
    }

    [Fact]
    public void Handle_ArpProbeForOwnedAddress_DefendsWithReplyToZeroSender()
    {
        var outcome = Responder.Handle(View, "eth0", ArpRequest(Vip, sender: IPAddress.Any), _reply);

        Assert.Equal(ResponderVerdict.Answered, outcome.Verdict);
        Assert.True(ArpPacket.TryParse(_reply.AsSpan(0, outcome.ReplyLength), out _, out var reply, out _));
        Assert.Equal(IPAddress.Any, reply.TargetProtocolAddress);
    }

    [Fact]
    public void Handle_ArpReply_NotARequest()
    {
        var frame = new byte[ArpPacket.FrameLength];
        new ArpPacket(ArpOperation.Reply, PeerMac, PeerIp, Eth0Mac, Vip).WriteFrame(Eth0Mac, PeerMac, frame);

        Assert.Equal(ResponderVerdict.NotARequest, Responder.Handle(View, "eth0", frame, _reply).Verdict);
    }

    [Fact]
    public void Handle_TruncatedArp_MalformedWithReason()
    {
        var outcome = Responder.Handle(View, "eth0", ArpRequest(Vip).AsSpan(0, 30), _reply);

        Assert.Equal(ResponderVerdict.Malformed, outcome.Verdict);
        Assert.Equal("arp_truncated", outcome.MalformedReason);
    }

    [Fact]
    public void Handle_RuntFrame_Malformed()
    {
        Assert.Equal(ResponderVerdict.Malformed, Responder.Handle(View, "eth0", new byte[5], _reply).Verdict);
    }

    [Fact]
    public void Handle_SolicitationForOwnedAddress_SolicitedOverrideAdvertisementToSolicitor()
    {
        var outcome = Responder.Handle(View, "eth0", Solicitation(Vip6), _reply);

        Assert.Equal(ResponderVerdict.Answered, outcome.Verdict);
        Assert.True(NdpMessage.TryParse(_reply.AsSpan(0, outcome.ReplyLength), out var ethernet, out var na, out var error), error.ToString());
        Assert.Equal(PeerMac, ethernet.Destination);
        Assert.Equal(Eth0Mac, ethernet.Source);
        Assert.Equal(NdpMessageType.NeighborAdvertisement, na!.Type);
        Assert.Equal(NeighborAdvertisementFlags.Solicited | NeighborAdvertisementFlags.Override, na.Flags);
        Assert.Equal(Vip6, na.Target);
        Assert.Equal(PeerIp6, na.Destination);
        Assert.Equal(Eth0Mac, na.LinkLayerAddress);
    }

    [Fact]
    public void Handle_SolicitationForOtherAddress_NotOwned()
    {
        Assert.Equal(ResponderVerdict.NotOwned, Responder.Handle(View, "eth0", Solicitation(IPAddress.Parse("2001:db8:1:20::99")), _reply).Verdict);
    }

    [Fact]
    public void Handle_UnicastReachabilityProbeToTarget_Answered()
    {
        var message = NdpMessage.Solicitation(PeerIp6, Vip6, PeerMac) with { Destination = Vip6 };
        var frame = new byte[NdpMessage.MaxFrameLength];
        var length = message.WriteFrame(Eth0Mac, PeerMac, frame);

        Assert.Equal(ResponderVerdict.Answered, Responder.Handle(View, "eth0", frame.AsSpan(0, length), _reply).Verdict);
    }

    [Fact]
    public void Handle_SolicitationToAnotherGroup_NotAddressedToTarget()
    {
        var message = NdpMessage.Solicitation(PeerIp6, Vip6, PeerMac) with { Destination = IPAddress.Parse("ff02::1:ff00:99") };
        var frame = new byte[NdpMessage.MaxFrameLength];
        var length = message.WriteFrame(MacAddress.Broadcast, PeerMac, frame);

        Assert.Equal(ResponderVerdict.NotAddressedToTarget, Responder.Handle(View, "eth0", frame.AsSpan(0, length), _reply).Verdict);
    }

    [Fact]
    public void Handle_SolicitationWithBadChecksum_MalformedWithReason()
    {
        var frame = Solicitation(Vip6);
        frame[^1] ^= 0xFF;

        var outcome = Responder.Handle(View, "eth0", frame, _reply);

        Assert.Equal(ResponderVerdict.Malformed, outcome.Verdict);
        Assert.Equal("ndp_badchecksum", outcome.MalformedReason);
    }

    [Fact]
    public void Handle_EmptyView_AnswersNothing()
    {
        Assert.Equal(ResponderVerdict.NotOwned, Responder.Handle(ResponderView.Empty, "eth0", ArpRequest(Vip), _reply).Verdict);
        Assert.Equal(ResponderVerdict.NotOwned, Responder.Handle(ResponderView.Empty, "eth0", Solicitation(Vip6), _reply).Verdict);
    }
}
