using IronLb.Bgp.Session;
using IronLb.Core.SharedConfiguration;

namespace IronLb.Bgp.Announcements;

/// <summary>Fills in each session's TCP MD5 password from where the stored configuration says it is kept.</summary>
/// <remarks>
/// The stored configuration holds no password (<see cref="ConfigurationRedaction"/>). A peer whose password cannot be
/// had is left out with a reason: opening it without MD5 would either fail at the router or, worse, run unsigned.
/// When the store cannot be reached, the last password read for the same reference stands (fail static: a blinking
/// sidecar must not take sessions down).
/// </remarks>
internal sealed class PeerPasswordResolver(IPeerPasswordSource? source)
{
    private readonly Dictionary<PeerPasswordReference, string> _lastKnown = [];

    /// <summary>The sessions of <paramref name="peers"/> that can be opened, with their passwords; the others' reasons go to <paramref name="problems"/>.</summary>
    /// <remarks>Not thread-safe: the speaker host calls it under its apply lock.</remarks>
    public async Task<IReadOnlyList<BgpPeerSettings>> ResolveAsync(
        IReadOnlyList<BgpPeerSettings> peers, IReadOnlyList<PeerPasswordReference> references, ICollection<string> problems, CancellationToken cancellationToken)
    {
        var resolved = new List<BgpPeerSettings>(peers.Count);
        var used = new HashSet<PeerPasswordReference>();
        foreach (var peer in peers)
        {
            if (references.FirstOrDefault(r => r.Peer == peer.Name) is not { } reference)
            {
                resolved.Add(peer);
                continue;
            }

            used.Add(reference);
            var lookup = source is null
                ? PeerPasswordLookup.Missing("cannot be read: this process has no secret source")
                : await source.LookupAsync(reference, cancellationToken).ConfigureAwait(false);
            if (lookup.Password is { } password)
            {
                _lastKnown[reference] = password;
                resolved.Add(peer with { Password = password });
            }
            else if (lookup.Transient && _lastKnown.TryGetValue(reference, out var last))
            {
                problems.Add($"BGPPeer/{peer.Name}: password ({reference}) {lookup.Problem}; keeping the one read before");
                resolved.Add(peer with { Password = last });
            }
            else
            {
                problems.Add($"BGPPeer/{peer.Name}: session not opened: its password ({reference}) {lookup.Problem}");
            }
        }

        // Forget passwords no peer of this node refers to any more: memory holds only what is in use.
        foreach (var stale in _lastKnown.Keys.Where(k => !used.Contains(k)).ToList())
        {
            _lastKnown.Remove(stale);
        }

        return resolved;
    }
}
