namespace IronLb.Core.Events;

/// <summary>The public events of a node's BGP speaker: announcements that went out or were withdrawn, session and BFD state. Pure
/// but for the versions, which <see cref="NodeEventSequence"/> hands out on the node's clock.</summary>
public static class BgpEvents
{
    /// <summary>bgp.announcement.started (the UPDATE carrying <paramref name="prefix"/> was sent) or stopped (withdrawn, or the session fell).</summary>
    public static IntegrationEvent Announcement(NodeEventSequence sequence, bool started, string node, string peer, string peerAddress, string prefix)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var subject = EventSubjects.Announcement(node, peer, prefix);
        var (version, previous) = sequence.Next(subject);
        return new IntegrationEvent(started ? EventTypes.BgpAnnouncementStarted : EventTypes.BgpAnnouncementStopped, subject, version, previous,
            new EventData.BgpAnnouncement(node, peer, peerAddress, prefix));
    }

    /// <summary>bgp.session.up (Established) or down (left Established), with why.</summary>
    public static IntegrationEvent Session(NodeEventSequence sequence, bool up, string node, string peer, string peerAddress, string reason)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var subject = EventSubjects.BgpSession(node, peer);
        var (version, previous) = sequence.Next(subject);
        return new IntegrationEvent(up ? EventTypes.BgpSessionUp : EventTypes.BgpSessionDown, subject, version, previous, new EventData.Session(node, peer, peerAddress, reason));
    }

    /// <summary>bfd.session.up or down, with the BFD diagnostic as the reason.</summary>
    public static IntegrationEvent Bfd(NodeEventSequence sequence, bool up, string node, string peer, string peerAddress, string reason)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var subject = EventSubjects.BfdSession(node, peer);
        var (version, previous) = sequence.Next(subject);
        return new IntegrationEvent(up ? EventTypes.BfdSessionUp : EventTypes.BfdSessionDown, subject, version, previous, new EventData.Session(node, peer, peerAddress, reason));
    }
}
