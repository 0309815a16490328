using System.Net;
using IronLb.Core.Failover;

namespace IronLb.Layer2.Handoff;

/// <summary>Where this node stands with one address it was made owner of.</summary>
internal enum HandoffState
{
    /// <summary>Made owner; waiting until no other node has announced the address for <c>PeerSilence</c>.</summary>
    Claiming,

    /// <summary>Answering for it.</summary>
    Answering,

    /// <summary>Another node holds it at a newer epoch: silent until election names this node again.</summary>
    Yielded,
}

/// <summary>What one step of the arbiter changed: addresses this node started and stopped answering for.</summary>
internal sealed record HandoffChange(IReadOnlyList<IPAddress> Started, IReadOnlyList<IPAddress> Stopped)
{
    public static HandoffChange None { get; } = new([], []);

    public bool IsEmpty => Started.Count == 0 && Stopped.Count == 0;
}

/// <summary>
/// Decides, on the LAN, when this node may answer for the addresses election gave it, so that no two nodes answer
/// for one address at once, even when the state store is out of reach for some or all of them. Pure: the caller
/// feeds it beacons heard, beacons sent, store acknowledgements and the monotonic time, and applies the change.
/// </summary>
/// <remarks>
/// The rules (ARCHITECTURE.md in the repository says why they are enough):
/// <list type="bullet">
/// <item>A new owner answers only after <c>PeerSilence</c> in which it listened, was in contact, and heard no other
/// node hold the address, unless that node said it released it.</item>
/// <item>An owner yields at once to another node that holds or claims the address at a newer epoch, and says so in
/// its next beacon.</item>
/// <item>An owner answers only while its own last beacon is younger than <c>BeaconHold</c> and it is in contact:
/// its store fence is open or it heard another node less than <c>LonelyAfter</c> ago. Losing either (a stall, a
/// cut link) sends every address back to <see cref="HandoffState.Claiming"/>.</item>
/// <item>The successor election named for an address takes it over, at the owner's epoch + 1, once the owner itself
/// has been silent on the LAN for <c>PeerSilence</c> (or left), under the same rules as a claim.</item>
/// <item>A yielded address is claimed again once nobody outranking this node has spoken for it for <c>PeerSilence</c>.</item>
/// </list>
/// Fail static follows: with the store gone for everyone, owners keep beaconing and hearing each other, so nothing
/// moves and nothing goes dark.
/// </remarks>
internal sealed class HandoffArbiter
{
    private static readonly TimeSpan ReleaseRepeat = TimeSpan.FromSeconds(1);
    private readonly string _node;
    private readonly FailoverOptions _timing;
    private readonly Dictionary<IPAddress, OwnClaim> _own = [];
    private readonly Dictionary<IPAddress, Dictionary<string, HeardEntry>> _others = [];
    private readonly Dictionary<IPAddress, (long Epoch, TimeSpan At)> _released = [];
    private readonly Dictionary<string, TimeSpan> _lastHeardFrom = new(StringComparer.Ordinal);
    private readonly HashSet<string> _leaving = new(StringComparer.Ordinal);
    private Dictionary<IPAddress, (string Owner, long Epoch)> _standby = [];
    private TimeSpan _listeningSince;
    private TimeSpan? _contactSince;
    private TimeSpan? _lastPeerHeard;
    private TimeSpan? _lastBeaconSent;
    private TimeSpan _storeFenceUntil = TimeSpan.MinValue;

    public HandoffArbiter(string node, FailoverOptions timing, TimeSpan now)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        _node = node;
        _timing = timing;
        _listeningSince = now;
    }

    /// <summary>The addresses answered for now because this node took them over as successor, not yet confirmed by election.</summary>
    public IEnumerable<IPAddress> TakenOver => _own.Values.Where(c => c.Provisional && c.State == HandoffState.Answering).Select(c => c.Address);

    /// <summary>The addresses answered for now.</summary>
    public IEnumerable<IPAddress> Answering => _own.Values.Where(c => c.State == HandoffState.Answering).Select(c => c.Address);

    /// <summary>Each owned address and where this node stands with it; for status.</summary>
    public IReadOnlyDictionary<IPAddress, HandoffState> States => _own.ToDictionary(kv => kv.Key, kv => kv.Value.State);

    /// <summary>
    /// Until when (monotonic) an answer may go out without another beacon or contact: the hot path compares the clock
    /// with it right before every send, so a stalled process that wakes up with requests queued answers none of them.
    /// </summary>
    public TimeSpan AnswerUntil
    {
        get
        {
            if (_lastBeaconSent is not { } sent)
            {
                return TimeSpan.MinValue;
            }

            var contactUntil = _lastPeerHeard is { } heard ? Max(_storeFenceUntil, heard + _timing.LonelyAfter) : _storeFenceUntil;
            return Min(sent + _timing.BeaconHold, contactUntil);
        }
    }

    /// <summary>Capture has just (re)started at <paramref name="now"/>: nothing heard before counts as having listened.</summary>
    public void StartedListening(TimeSpan now) => _listeningSince = Max(_listeningSince, now);

    /// <summary>
    /// Makes the owned set exactly <paramref name="owned"/> (address and epoch), as election last said, and takes note of
    /// the addresses this node is successor for (<paramref name="standby"/>: address, owner and the owner's epoch).
    /// </summary>
    public HandoffChange SetOwned(IEnumerable<(IPAddress Address, long Epoch)> owned, TimeSpan now, IEnumerable<(IPAddress Address, string Owner, long Epoch)>? standby = null)
    {
        var stopped = new List<IPAddress>();
        var wanted = owned.ToDictionary(o => o.Address, o => o.Epoch);
        _standby = (standby ?? []).ToDictionary(s => s.Address, s => (s.Owner, s.Epoch));

        // A takeover stands while election still names the silent owner at the epoch it was taken from.
        bool StillTakenOver(OwnClaim claim) =>
            claim.Provisional && _standby.TryGetValue(claim.Address, out var s) && s.Epoch + 1 == claim.Epoch;
        foreach (var (address, claim) in _own.Where(kv => !wanted.ContainsKey(kv.Key) && !StillTakenOver(kv.Value)).ToList())
        {
            _own.Remove(address);
            Release(claim, now, stopped);
        }

        foreach (var (address, epoch) in wanted)
        {
            if (_own.TryGetValue(address, out var claim) && claim.Epoch >= epoch)
            {
                continue;
            }

            // A newer epoch while answering means the address left this node and came back unseen: it is answered on,
            // since whoever had it in between must have yielded to this epoch. A yielded address is claimed afresh.
            var state = claim is { State: HandoffState.Answering } ? HandoffState.Answering : HandoffState.Claiming;
            _own[address] = new OwnClaim(address, epoch) { State = state };
            YieldIfOutranked(_own[address], now, stopped);
        }

        return Finish(now, stopped);
    }

    /// <summary>Takes a beacon another node sent.</summary>
    public HandoffChange Heard(Beacon beacon, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(beacon);
        if (beacon.Node == _node)
        {
            return HandoffChange.None;
        }

        _lastHeardFrom[beacon.Node] = now;
        if (beacon.Leaving)
        {
            _leaving.Add(beacon.Node);
        }
        else
        {
            _leaving.Remove(beacon.Node);
        }

        var stopped = new List<IPAddress>();
        if (!InContact(now))
        {
            // Contact comes back: whatever happened meanwhile was not heard, so nothing is answered on trust.
            DemoteAll(now, stopped);
            _contactSince = now;
        }

        _contactSince ??= now;
        _lastPeerHeard = now;
        if (beacon.Leaving)
        {
            foreach (var holders in _others.Values)
            {
                holders.Remove(beacon.Node);
            }
        }

        foreach (var entry in beacon.Entries)
        {
            if (entry.Kind == BeaconEntryKind.Released)
            {
                if (_others.TryGetValue(entry.Address, out var holders) && holders.TryGetValue(beacon.Node, out var seen) && seen.Epoch <= entry.Epoch)
                {
                    holders.Remove(beacon.Node);
                }

                continue;
            }

            if (!_others.TryGetValue(entry.Address, out var byNode))
            {
                byNode = new Dictionary<string, HeardEntry>(StringComparer.Ordinal);
                _others[entry.Address] = byNode;
            }

            byNode[beacon.Node] = new HeardEntry(beacon.Node, entry.Epoch, entry.Kind == BeaconEntryKind.Held, now);
            if (_own.TryGetValue(entry.Address, out var claim))
            {
                YieldIfOutranked(claim, now, stopped);
            }
        }

        return Finish(now, stopped);
    }

    /// <summary>The store acknowledged a heartbeat sent at <paramref name="sentAt"/>: it vouches for this node until the fence closes.</summary>
    public HandoffChange StoreAcknowledged(TimeSpan sentAt, TimeSpan now)
    {
        var stopped = new List<IPAddress>();
        if (!InContact(now))
        {
            DemoteAll(now, stopped);
            _contactSince = now;
        }

        _storeFenceUntil = Max(_storeFenceUntil, sentAt + _timing.HeartbeatTimeout - _timing.FenceMargin);
        _contactSince ??= now;
        return Finish(now, stopped);
    }

    /// <summary>
    /// This node is about to send its beacon. A beacon later than <c>BeaconHold</c> after the previous one means the
    /// process stalled: frames that arrived meanwhile may still be unread, so it listens afresh before answering.
    /// </summary>
    public (Beacon Beacon, HandoffChange Change) NextBeacon(long sequence, TimeSpan now)
    {
        var stopped = new List<IPAddress>();
        if (_lastBeaconSent is { } last && now - last > _timing.BeaconHold)
        {
            DemoteAll(now, stopped);
            _listeningSince = now;
        }

        _lastBeaconSent = now;
        var change = Finish(now, stopped);
        var entries = new List<BeaconEntry>();
        foreach (var claim in _own.Values.Where(c => c.State != HandoffState.Yielded))
        {
            entries.Add(new BeaconEntry(claim.Address, claim.Epoch, claim.State == HandoffState.Answering ? BeaconEntryKind.Held : BeaconEntryKind.Claim));
        }

        foreach (var (address, released) in _released.Where(kv => now - kv.Value.At > ReleaseRepeat).ToList())
        {
            _released.Remove(address);
        }

        entries.AddRange(_released.Select(kv => new BeaconEntry(kv.Key, kv.Value.Epoch, BeaconEntryKind.Released)));
        return (new Beacon(_node, sequence, Leaving: false, entries), change);
    }

    /// <summary>Re-evaluates at <paramref name="now"/>: claims whose silence has run out start, lost contact stops everything.</summary>
    public HandoffChange Evaluate(TimeSpan now)
    {
        var stopped = new List<IPAddress>();
        return Finish(now, stopped);
    }

    /// <summary>When <see cref="Evaluate"/> next has something to decide (a claim's or a takeover's silence running out), or null.</summary>
    public TimeSpan? NextDecision(TimeSpan now)
    {
        TimeSpan? next = null;
        var due = _own.Values.Where(c => c.State == HandoffState.Claiming).Select(c => ClaimReadyAt(c.Address))
            .Concat(_standby.Where(kv => !_own.ContainsKey(kv.Key)).Select(kv => TakeoverReadyAt(kv.Key, kv.Value.Owner)));
        foreach (var at in due)
        {
            if (at > now && (next is null || at < next))
            {
                next = at;
            }
        }

        return next;
    }

    private HandoffChange Finish(TimeSpan now, List<IPAddress> stopped)
    {
        if (!InContact(now))
        {
            _contactSince = null;
            DemoteAll(now, stopped);
        }

        // A yielded address is claimed again once nobody outranking this node has spoken for it for PeerSilence.
        foreach (var claim in _own.Values.Where(c => c.State == HandoffState.Yielded && !IsOutranked(c, now)))
        {
            claim.State = HandoffState.Claiming;
        }

        var started = new List<IPAddress>();
        var beaconing = _lastBeaconSent is { } sent && now - sent <= _timing.BeaconHold;
        foreach (var claim in _own.Values.Where(c => c.State == HandoffState.Claiming))
        {
            if (beaconing && now >= ClaimReadyAt(claim.Address))
            {
                claim.State = HandoffState.Answering;
                started.Add(claim.Address);
                _released.Remove(claim.Address);
            }
        }

        // The successor takes over, one epoch above the owner's, once the owner fell silent on the LAN: the same
        // silence rule as a claim, without waiting for election to notice.
        foreach (var (address, (owner, epoch)) in _standby.Where(kv => !_own.ContainsKey(kv.Key)))
        {
            if (beaconing && now >= TakeoverReadyAt(address, owner))
            {
                _own[address] = new OwnClaim(address, epoch + 1) { State = HandoffState.Answering, Provisional = true };
                started.Add(address);
                _released.Remove(address);
            }
        }

        return started.Count == 0 && stopped.Count == 0 ? HandoffChange.None : new HandoffChange(started, stopped);
    }

    // A successor's takeover: as a claim, and only once the owner itself has been silent for PeerSilence (or left).
    private TimeSpan TakeoverReadyAt(IPAddress address, string owner)
    {
        var ready = ClaimReadyAt(address);
        if (!_leaving.Contains(owner) && _lastHeardFrom.TryGetValue(owner, out var heard))
        {
            ready = Max(ready, heard + _timing.PeerSilence);
        }

        return ready;
    }

    // The earliest moment a claim may start: a full PeerSilence of listening, in contact, since any other node last said
    // it holds the address.
    private TimeSpan ClaimReadyAt(IPAddress address)
    {
        var since = _contactSince is { } contact ? Max(_listeningSince, contact) : TimeSpan.MaxValue - _timing.PeerSilence;
        if (_others.TryGetValue(address, out var holders))
        {
            foreach (var heard in holders.Values.Where(h => h.Held))
            {
                since = Max(since, heard.At);
            }
        }

        return since + _timing.PeerSilence;
    }

    private void YieldIfOutranked(OwnClaim claim, TimeSpan now, List<IPAddress> stopped)
    {
        if (claim.State != HandoffState.Yielded && IsOutranked(claim, now))
        {
            Release(claim, now, stopped);
            claim.State = HandoffState.Yielded;
        }
    }

    // Another node spoke for the address, less than PeerSilence ago, at a newer epoch (or the same one and a name that
    // sorts first, which election never hands out twice but a successor's takeover might meet).
    private bool IsOutranked(OwnClaim claim, TimeSpan now) =>
        _others.TryGetValue(claim.Address, out var holders)
        && holders.Values.Any(heard => now - heard.At < _timing.PeerSilence
            && (heard.Epoch > claim.Epoch || (heard.Epoch == claim.Epoch && string.CompareOrdinal(heard.Node, _node) < 0)));

    private void Release(OwnClaim claim, TimeSpan now, List<IPAddress> stopped)
    {
        if (claim.State == HandoffState.Answering)
        {
            stopped.Add(claim.Address);
        }

        if (claim.State != HandoffState.Yielded)
        {
            _released[claim.Address] = (claim.Epoch, now);
        }
    }

    private void DemoteAll(TimeSpan now, List<IPAddress> stopped)
    {
        foreach (var claim in _own.Values.Where(c => c.State == HandoffState.Answering))
        {
            claim.State = HandoffState.Claiming;
            stopped.Add(claim.Address);
        }
    }

    private bool InContact(TimeSpan now) =>
        now < _storeFenceUntil || (_lastPeerHeard is { } heard && now - heard <= _timing.LonelyAfter);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class OwnClaim(IPAddress address, long epoch)
    {
        public IPAddress Address { get; } = address;

        public long Epoch { get; } = epoch;

        public HandoffState State { get; set; }

        /// <summary>Taken over as successor; election has not confirmed it.</summary>
        public bool Provisional { get; init; }
    }

    private sealed record HeardEntry(string Node, long Epoch, bool Held, TimeSpan At);
}
