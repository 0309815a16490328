using System.Text;
using IronLb.Core.Events;

namespace IronLb.Events.Tests.Publishing;

public class EventFeedTests
{
    private static ReadOnlyMemory<byte> Event(int n) => Encoding.UTF8.GetBytes("{\"id\":\"e" + n + "\"}");

    [Fact]
    public void Subscribe_WithReplay_GetsTheKeptEventsThenNewOnesInOrder()
    {
        var feed = new EventFeed(16);
        feed.Append(Event(1));
        feed.Append(Event(2));
        using var reader = feed.Subscribe(replay: true);
        feed.Append(Event(3));

        var positions = new List<long>();
        while (reader.Reader.TryRead(out var streamed))
        {
            positions.Add(streamed.Position);
        }

        Assert.Equal([1L, 2L, 3L], positions);
    }

    [Fact]
    public void Append_ReaderFallsBehindPastCapacity_LosesTheOldestAndThePositionsShowTheGap()
    {
        var feed = new EventFeed(16);
        using var reader = feed.Subscribe(replay: false);
        for (var i = 1; i <= 20; i++)
        {
            feed.Append(Event(i));
        }

        Assert.True(reader.Reader.TryRead(out var first));
        Assert.Equal(5, first.Position);
    }

    [Fact]
    public void Dispose_Subscription_ReaderCompletesAndLaterEventsAreNotKeptForIt()
    {
        var feed = new EventFeed(16);
        var reader = feed.Subscribe(replay: false);
        reader.Dispose();
        feed.Append(Event(1));

        Assert.True(reader.Reader.Completion.IsCompleted);
        Assert.False(reader.Reader.TryRead(out _));
    }
}
