namespace IronLb.Core.State;

/// <summary>The highest version of one state document a writer has read or written, so the versions it writes never go
/// back, not even after the store lost the document (Redis restarted without persistence).</summary>
/// <remarks>
/// Consumers ignore a document at or below the version they applied (events are unordered; state is truth). A writer
/// that numbered from what the store holds would restart at 1 after a wipe, and every consumer would ignore it until
/// the versions caught up. Thread-safe.
/// </remarks>
public sealed class VersionFloor
{
    private long _highest;

    /// <summary>The highest version seen so far (0 before any).</summary>
    public long Highest => Interlocked.Read(ref _highest);

    /// <summary>The version to write next: one above both the stored one and the highest seen.</summary>
    public long Next(long stored) => Math.Max(Note(stored), stored) + 1;

    /// <summary>Remembers <paramref name="version"/> if it is the highest so far; returns the highest.</summary>
    public long Note(long version)
    {
        var highest = Interlocked.Read(ref _highest);
        while (version > highest)
        {
            var seen = Interlocked.CompareExchange(ref _highest, version, highest);
            if (seen == highest)
            {
                return version;
            }

            highest = seen;
        }

        return highest;
    }
}
