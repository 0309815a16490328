using System.Net;

namespace IronLb.Bgp.Session;

/// <summary>What a speaker reports as it happens, for the public event stream: called on the session's own loop, so it must not block.</summary>
internal interface IBgpSessionObserver
{
    /// <summary>The session reached Established.</summary>
    void SessionUp(BgpPeerSettings peer);

    /// <summary>The session left Established, for <paramref name="reason"/>; the peer no longer holds our routes.</summary>
    void SessionDown(BgpPeerSettings peer, string reason);

    /// <summary>UPDATEs went out announcing <paramref name="started"/> (new to the peer) and withdrawing <paramref name="stopped"/>.</summary>
    void Announced(BgpPeerSettings peer, IReadOnlyCollection<IPNetwork> started, IReadOnlyCollection<IPNetwork> stopped);

    /// <summary>The BFD session with the peer went Up (<paramref name="up"/>) or left Up.</summary>
    void BfdChanged(BgpPeerSettings peer, bool up, string reason);
}
