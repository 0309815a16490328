namespace IronLb.Layer2.Handoff;

/// <summary>
/// The fence on the answering path itself: a monotonic deadline that every ARP/NDP reply and gratuitous announcement
/// is checked against right before it is sent. Read lock-free by the capture threads.
/// </summary>
internal sealed class AnswerGate(TimeProvider time)
{
    private readonly long _origin = time.GetTimestamp();
    private long _openUntilTicks = long.MaxValue;

    /// <summary>A gate that never closes, for an announcer driven without the LAN hand-over (benchmarks, labs).</summary>
    public static AnswerGate AlwaysOpen(TimeProvider time) => new(time);

    /// <summary>The monotonic time since this gate was made: the clock <see cref="OpenUntil"/> is read against.</summary>
    public TimeSpan Now => time.GetElapsedTime(_origin);

    /// <summary>True while answering is allowed.</summary>
    public bool IsOpen => Now.Ticks < Volatile.Read(ref _openUntilTicks);

    /// <summary>Sets the deadline (on <see cref="Now"/>'s clock) after which nothing may be sent.</summary>
    public void OpenUntil(TimeSpan until) => Volatile.Write(ref _openUntilTicks, until.Ticks);

    /// <summary>Closes the gate for good (a clean exit).</summary>
    public void Close() => Volatile.Write(ref _openUntilTicks, long.MinValue);
}
