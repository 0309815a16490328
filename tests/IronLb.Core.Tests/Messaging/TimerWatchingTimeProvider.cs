using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Core.Tests.Messaging;

/// <summary>A <see cref="FakeTimeProvider"/> that also tells when code under test starts a timer.</summary>
/// <remarks>
/// Advancing fake time before the code has created its timer would skip the timer forever; waiting
/// for the creation first makes timer tests deterministic without sleeping.
/// </remarks>
internal sealed class TimerWatchingTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = inner.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits (bounded) for the next timer to be created and returns its due time.</summary>
    public async Task<TimeSpan> NextTimerAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        return await _created.Reader.ReadAsync(deadline.Token);
    }
}
