using System.Net;
using IronLb.Bgp.Session;
using IronLb.Core.Events;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Bgp.Announcements;

/// <summary>Turns this node's speaker reports into public events (bgp.announcement.*, bgp.session.*, bfd.session.*).</summary>
internal sealed class BgpEventEmitter(IntegrationEvents events, IOptions<NodeOptions> node, TimeProvider time) : IBgpSessionObserver
{
    private readonly NodeEventSequence _sequence = new(time);
    private readonly string _node = node.Value.Name;

    public void SessionUp(BgpPeerSettings peer) =>
        events.Emit(BgpRegistration.Component, [BgpEvents.Session(_sequence, up: true, _node, NameOf(peer), AddressOf(peer), "established")]);

    public void SessionDown(BgpPeerSettings peer, string reason) =>
        events.Emit(BgpRegistration.Component, [BgpEvents.Session(_sequence, up: false, _node, NameOf(peer), AddressOf(peer), reason)]);

    public void Announced(BgpPeerSettings peer, IReadOnlyCollection<IPNetwork> started, IReadOnlyCollection<IPNetwork> stopped)
    {
        var (name, address) = (NameOf(peer), AddressOf(peer));
        events.Emit(BgpRegistration.Component, [
            .. started.Select(p => BgpEvents.Announcement(_sequence, started: true, _node, name, address, p.ToString())),
            .. stopped.Select(p => BgpEvents.Announcement(_sequence, started: false, _node, name, address, p.ToString())),
        ]);
    }

    public void BfdChanged(BgpPeerSettings peer, bool up, string reason) =>
        events.Emit(BgpRegistration.Component, [BgpEvents.Bfd(_sequence, up, _node, NameOf(peer), AddressOf(peer), reason)]);

    // A peer built by hand (tests) may have no BGPPeer name: its address names it then.
    private static string NameOf(BgpPeerSettings peer) => peer.Name.Length > 0 ? peer.Name : AddressOf(peer);

    private static string AddressOf(BgpPeerSettings peer) => PeerKey.Normalize(peer.PeerAddress).ToString();
}
