namespace IronLb.Core.Events;

/// <summary>
/// Versions for subjects whose state lives only in one node agent (BGP announcements and sessions, BFD sessions): per
/// subject, the observer's clock in Unix milliseconds, forced to grow by at least one, so a restarted agent continues
/// above what it emitted before (its previousVersion is then 0: a new sequence).
/// </summary>
public sealed class NodeEventSequence(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);

    /// <summary>The next version of <paramref name="subject"/> and the one before it (0 when this process emitted none).</summary>
    public (long Version, long Previous) Next(string subject)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        lock (_lock)
        {
            var previous = _last.GetValueOrDefault(subject);
            var version = Math.Max(previous + 1, time.GetUtcNow().ToUnixTimeMilliseconds());
            _last[subject] = version;
            return (version, previous);
        }
    }
}
