using System.Net;
using IronLb.Layer2.Arp;
using IronLb.Layer2.Capture;
using IronLb.Layer2.Ndp;

namespace IronLb.Layer2.Announcing;

/// <summary>What the responder did with one received frame.</summary>
internal enum ResponderVerdict
{
    Answered,
    Malformed,
    NotNeighborProtocol,
    NotARequest,
    OwnFrame,
    GratuitousFromPeer,
    UnknownInterface,
    NotOwned,
    InterfaceNotAllowed,
    NotAddressedToTarget,
}

/// <summary>The verdict, the address asked about (when known), why a malformed frame was rejected, and the reply length.</summary>
internal readonly record struct ResponderOutcome(ResponderVerdict Verdict, IPAddress? Address, string? MalformedReason, int ReplyLength)
{
    public static ResponderOutcome Ignored(ResponderVerdict verdict, IPAddress? address = null) => new(verdict, address, null, 0);

    public static ResponderOutcome Malformed(string reason) => new(ResponderVerdict.Malformed, null, reason, 0);
}

/// <summary>Decides, for one frame received on one interface, whether and how this node answers: ARP requests
/// (RFC 826) and neighbour solicitations (RFC 4861) for owned addresses only, from the receiving interface's MAC.</summary>
internal static class Responder
{
    /// <summary>Room for the largest reply this responder writes.</summary>
    public const int MaxReplyLength = NdpMessage.MaxFrameLength;

    public static ResponderOutcome Handle(ResponderView view, string interfaceName, ReadOnlySpan<byte> frame, Span<byte> reply)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (!EthernetHeader.TryRead(frame, out var ethernet))
        {
            return ResponderOutcome.Malformed("truncated_ethernet");
        }

        return ethernet.EtherType switch
        {
            EthernetHeader.EtherTypeArp => HandleArp(view, interfaceName, frame, reply),
            EthernetHeader.EtherTypeIPv6 => HandleNdp(view, interfaceName, frame, reply),
            _ => ResponderOutcome.Ignored(ResponderVerdict.NotNeighborProtocol),
        };
    }

    private static ResponderOutcome HandleArp(ResponderView view, string interfaceName, ReadOnlySpan<byte> frame, Span<byte> reply)
    {
        if (!ArpPacket.TryParse(frame, out var ethernet, out var request, out var error))
        {
            return ResponderOutcome.Malformed("arp_" + error.ToString().ToLowerInvariant());
        }

        if (request.Operation != ArpOperation.Request)
        {
            return ResponderOutcome.Ignored(ResponderVerdict.NotARequest, request.TargetProtocolAddress);
        }

        var check = CheckTarget(view, interfaceName, ethernet.Source, request.TargetProtocolAddress, out var binding);
        if (check != ResponderVerdict.Answered)
        {
            return ResponderOutcome.Ignored(check, request.TargetProtocolAddress);
        }

        // Another node's gratuitous ARP for an address we own is its claim, not a question: answering would fight it.
        if (request.IsGratuitous)
        {
            return ResponderOutcome.Ignored(ResponderVerdict.GratuitousFromPeer, request.TargetProtocolAddress);
        }

        var mac = binding!.Interface.Mac;
        var length = ArpPacket.ReplyTo(request, mac).WriteFrame(request.SenderHardwareAddress, mac, reply);
        return new ResponderOutcome(ResponderVerdict.Answered, request.TargetProtocolAddress, null, length);
    }

    private static ResponderOutcome HandleNdp(ResponderView view, string interfaceName, ReadOnlySpan<byte> frame, Span<byte> reply)
    {
        if (!NdpMessage.TryParse(frame, out var ethernet, out var message, out var error))
        {
            return error is NdpParseError.NotIcmpv6 or NdpParseError.NotNeighborDiscovery
                ? ResponderOutcome.Ignored(ResponderVerdict.NotNeighborProtocol)
                : ResponderOutcome.Malformed("ndp_" + error.ToString().ToLowerInvariant());
        }

        if (message!.Type != NdpMessageType.NeighborSolicitation)
        {
            return ResponderOutcome.Ignored(ResponderVerdict.NotARequest, message.Target);
        }

        var check = CheckTarget(view, interfaceName, ethernet.Source, message.Target, out var binding);
        if (check != ResponderVerdict.Answered)
        {
            return ResponderOutcome.Ignored(check, message.Target);
        }

        // A solicitation goes to the target's solicited-node group, or to the target itself when a neighbour
        // verifies reachability (RFC 4861 §7.2.2, §7.3.1); anything else is meant for someone else.
        if (!message.Destination.Equals(message.Target) && !SolicitedNodeAddress.IsGroupOf(message.Destination, message.Target))
        {
            return ResponderOutcome.Ignored(ResponderVerdict.NotAddressedToTarget, message.Target);
        }

        var mac = binding!.Interface.Mac;
        var advertisement = NdpMessage.AdvertisementFor(message, mac);

        // §7.2.4: unicast to the solicitor at the link-layer address it gave, else the frame's source.
        var destinationMac = advertisement.Destination.Equals(SolicitedNodeAddress.AllNodes)
            ? SolicitedNodeAddress.MulticastMac(SolicitedNodeAddress.AllNodes)
            : message.LinkLayerAddress ?? ethernet.Source;
        var length = advertisement.WriteFrame(destinationMac, mac, reply);
        return new ResponderOutcome(ResponderVerdict.Answered, message.Target, null, length);
    }

    private static ResponderVerdict CheckTarget(ResponderView view, string interfaceName, MacAddress frameSource, IPAddress target, out InterfaceBinding? binding)
    {
        view.Bindings.TryGetValue(interfaceName, out binding);

        // libpcap hands us our own transmissions too; those are never questions.
        if (binding is not null && frameSource == binding.Interface.Mac)
        {
            return ResponderVerdict.OwnFrame;
        }

        if (!view.Owned.Contains(target))
        {
            return ResponderVerdict.NotOwned;
        }

        return binding is null ? ResponderVerdict.UnknownInterface
            : binding.Addresses.Contains(target) ? ResponderVerdict.Answered
            : ResponderVerdict.InterfaceNotAllowed;
    }
}
