using IronLb.Core.Contracts;

namespace IronLb.Election.Election;

/// <summary>
/// Which nodes are alive, judged on election's own monotonic clock from when it saw each node's heartbeat change:
/// the node's clock is never compared with ours. Pure: the caller feeds it what it read and when.
/// </summary>
/// <remarks>
/// While election cannot read the store it learns nothing, so nothing it learns afterwards may count that time against
/// a node: when reads resume, every node is treated as seen at that moment. A store outage therefore moves no address
/// when the store returns, as long as the nodes resume their heartbeats within the timeout. A node seen for the first
/// time (election just started) likewise gets a full timeout.
/// </remarks>
internal sealed class HeartbeatObserver(TimeSpan timeout)
{
    private readonly Dictionary<string, Observation> _seen = new(StringComparer.Ordinal);
    private bool _blind = true;

    /// <summary>Takes one successful read of the heartbeats of <paramref name="heartbeats"/>' nodes (null: no record).</summary>
    public void Observe(IReadOnlyDictionary<string, NodeHeartbeat?> heartbeats, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(heartbeats);

        // Every node silent, then one speaks again: they went quiet together, which is a partition between them and
        // election (or the store), not a row of deaths. Like a blind spell, it counts against none of them, so the
        // first to come back does not take the addresses of the others, which are coming back too.
        var everyoneSilent = _seen.Count > 0 && !_seen.Values.Any(o => IsAlive(o, now));
        var someoneSpeaks = heartbeats.Any(kv => kv.Value is not null && (!_seen.TryGetValue(kv.Key, out var o) || o.Last != kv.Value));
        if (_blind || (everyoneSilent && someoneSpeaks))
        {
            foreach (var observation in _seen.Values)
            {
                observation.SeenAt = now;
            }

            _blind = false;
        }

        foreach (var (node, heartbeat) in heartbeats)
        {
            if (heartbeat is null)
            {
                _seen.Remove(node);
            }
            else if (!_seen.TryGetValue(node, out var observation))
            {
                _seen[node] = new Observation(heartbeat, now);
            }
            else if (observation.Last != heartbeat)
            {
                observation.Last = heartbeat;
                observation.SeenAt = now;
            }
        }

        foreach (var gone in _seen.Keys.Where(n => !heartbeats.ContainsKey(n)).ToList())
        {
            _seen.Remove(gone);
        }
    }

    /// <summary>A read failed: what happens until the next successful one is unknown.</summary>
    public void Blind() => _blind = true;

    /// <summary>The nodes alive at <paramref name="now"/>.</summary>
    public IReadOnlySet<string> Alive(TimeSpan now) =>
        _seen.Where(kv => IsAlive(kv.Value, now)).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The alive nodes whose heartbeat changed less than half a timeout ago. Only these may be given an address: when
    /// the owner times out and nobody else is fresh either, election has lost sight of everyone at once (a partition
    /// of the control host or the store), not watched one node die, and the address stays where it is.
    /// </summary>
    public IReadOnlySet<string> Fresh(TimeSpan now) =>
        _seen.Where(kv => IsAlive(kv.Value, now) && now - kv.Value.SeenAt < timeout / 2).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>The addresses alive nodes say they took over on the LAN as successors (address to node).</summary>
    public IReadOnlyDictionary<string, string> TakenOver(TimeSpan now)
    {
        var taken = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (node, observation) in _seen.Where(kv => IsAlive(kv.Value, now)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            foreach (var address in observation.Last.TakenOver ?? [])
            {
                taken.TryAdd(address, node);
            }
        }

        return taken;
    }

    /// <summary>When the next alive node times out unless its heartbeat changes, or null when none is alive.</summary>
    public TimeSpan? NextDeadline(TimeSpan now)
    {
        TimeSpan? next = null;
        foreach (var observation in _seen.Values.Where(o => IsAlive(o, now)))
        {
            var deadline = observation.SeenAt + timeout;
            next = next is null || deadline < next ? deadline : next;
        }

        return next;
    }

    private bool IsAlive(Observation observation, TimeSpan now) => !observation.Last.Leaving && now < observation.SeenAt + timeout;

    private sealed class Observation(NodeHeartbeat last, TimeSpan seenAt)
    {
        public NodeHeartbeat Last { get; set; } = last;

        public TimeSpan SeenAt { get; set; } = seenAt;
    }
}
