using System.Threading.Channels;

namespace IronLb.Core.Events;

/// <summary>One event on the process's stream: its position there and its CloudEvent envelope.</summary>
/// <param name="Position">Grows by one per event in this process; a reader that sees it jump missed events (it fell behind).</param>
/// <param name="CloudEvent">The structured CloudEvent, JSON.</param>
public sealed record StreamedEvent(long Position, ReadOnlyMemory<byte> CloudEvent);

/// <summary>
/// The process's own bus for public events: every emitted event, in order, to every reader (GET /events, the Dapr
/// forwarder), with the most recent kept for readers that ask for them. A reader that falls more than the buffer behind
/// loses its oldest events rather than holding memory or the emitter up; <see cref="StreamedEvent.Position"/> shows it.
/// </summary>
public sealed class EventFeed(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Queue<StreamedEvent> _recent = new();
    private readonly List<Channel<StreamedEvent>> _readers = [];
    private long _position;

    /// <summary>Appends one envelope and hands it to every reader.</summary>
    public void Append(ReadOnlyMemory<byte> cloudEvent)
    {
        lock (_lock)
        {
            var streamed = new StreamedEvent(++_position, cloudEvent);
            _recent.Enqueue(streamed);
            while (_recent.Count > capacity)
            {
                _recent.Dequeue();
            }

            foreach (var reader in _readers)
            {
                reader.Writer.TryWrite(streamed);
            }
        }
    }

    /// <summary>A new reader, first given the kept events when <paramref name="replay"/>; dispose it to stop.</summary>
    public Subscription Subscribe(bool replay)
    {
        var channel = Channel.CreateBounded<StreamedEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            if (replay)
            {
                foreach (var kept in _recent)
                {
                    channel.Writer.TryWrite(kept);
                }
            }

            _readers.Add(channel);
        }

        return new Subscription(this, channel);
    }

    private void Remove(Channel<StreamedEvent> channel)
    {
        lock (_lock)
        {
            _readers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    /// <summary>One reader of the stream.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly EventFeed _stream;
        private readonly Channel<StreamedEvent> _channel;

        internal Subscription(EventFeed stream, Channel<StreamedEvent> channel)
        {
            _stream = stream;
            _channel = channel;
        }

        /// <summary>The events, in order.</summary>
        public ChannelReader<StreamedEvent> Reader => _channel.Reader;

        public void Dispose() => _stream.Remove(_channel);
    }
}
