using IronLb.Bgp.Protocol;

namespace IronLb.Bgp.Session;

/// <summary>What both OPENs agreed on.</summary>
internal sealed record NegotiatedSession(
    TimeSpan HoldTime,
    TimeSpan KeepaliveInterval,
    bool FourOctetAs,
    IReadOnlySet<BgpFamily> Families,
    bool PeerSupportsRouteRefresh,
    GracefulRestartCapability? PeerGracefulRestart,
    OpenMessage PeerOpen)
{
    public BgpCodecOptions CodecOptions => new(FourOctetAs);
}

/// <summary>Builds this speaker's OPEN and checks the peer's against it (RFC 4271 §6.2, RFC 5492, RFC 6793, RFC 4724).</summary>
internal static class OpenNegotiation
{
    /// <summary>The OPEN to send; <paramref name="restarting"/> sets the graceful restart R and F bits after our own restart.</summary>
    public static OpenMessage BuildOpen(BgpPeerSettings settings, bool restarting = false)
    {
        var capabilities = new List<Capability>();
        capabilities.AddRange(settings.Families.Select(f => new MultiprotocolCapability(f)));
        capabilities.Add(new RouteRefreshCapability());
        capabilities.Add(new FourOctetAsCapability(settings.LocalAsn));
        if (settings.GracefulRestart)
        {
            // The forwarding state behind our routes is the node's data plane (the Service addresses and kube-proxy),
            // which a restart of this process leaves alone: after such a restart the F bit says so, and the peer keeps
            // forwarding on the stale routes until our End-of-RIB instead of dropping them at once (RFC 4724 §4.2).
            capabilities.Add(new GracefulRestartCapability(restarting, (ushort)Math.Min(4095, settings.GracefulRestartTime.TotalSeconds),
                settings.Families.Select(f => new GracefulRestartFamily(f, restarting)).ToArray()));
        }

        var myAs = settings.LocalAsn > ushort.MaxValue ? BgpWire.AsTrans : (ushort)settings.LocalAsn;
        return new OpenMessage(BgpWire.Version, myAs, (ushort)settings.HoldTime.TotalSeconds, settings.RouterId, capabilities);
    }

    /// <summary>The agreed session, or the NOTIFICATION that refuses the peer's OPEN.</summary>
    public static (NegotiatedSession? Session, NotificationMessage? Error) Negotiate(BgpPeerSettings settings, OpenMessage peer)
    {
        if (!settings.AcceptsPeerAs(peer.AutonomousSystem))
        {
            return (null, new NotificationMessage(BgpErrorCode.OpenMessage, BgpErrorSubcode.BadPeerAs));
        }

        // RFC 6286 §2.2: zero is never valid, and within one AS two speakers may not share an identifier.
        if (peer.BgpIdentifier == 0 || (settings.IsInternal && peer.BgpIdentifier == settings.RouterId))
        {
            return (null, new NotificationMessage(BgpErrorCode.OpenMessage, BgpErrorSubcode.BadBgpIdentifier));
        }

        // RFC 4271 §4.2: the hold time is zero or at least three seconds.
        if (peer.HoldTime is 1 or 2)
        {
            return (null, new NotificationMessage(BgpErrorCode.OpenMessage, BgpErrorSubcode.UnacceptableHoldTime));
        }

        var hold = TimeSpan.FromSeconds(Math.Min(peer.HoldTime, (int)settings.HoldTime.TotalSeconds));
        var keepalive = hold == TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(settings.KeepaliveTime.Ticks, hold.Ticks / 3));

        // RFC 4760 §8: a peer that sends no multiprotocol capability speaks IPv4 unicast only.
        var peerFamilies = peer.Capabilities.OfType<MultiprotocolCapability>().Select(c => c.Family).ToHashSet();
        if (peerFamilies.Count == 0)
        {
            peerFamilies.Add(BgpFamily.Ipv4Unicast);
        }

        peerFamilies.IntersectWith(settings.Families);
        var session = new NegotiatedSession(
            hold,
            keepalive,
            peer.Find<FourOctetAsCapability>() is not null,
            peerFamilies,
            peer.Find<RouteRefreshCapability>() is not null,
            settings.GracefulRestart ? peer.Find<GracefulRestartCapability>() : null,
            peer);
        return (session, null);
    }
}
