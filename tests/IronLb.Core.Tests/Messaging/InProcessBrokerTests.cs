using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using IronLb.Core.Messaging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace IronLb.Core.Tests.Messaging;

#pragma warning disable CA1001 // The broker is disposed through IAsyncLifetime, which xunit calls.
public sealed class InProcessBrokerTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private readonly TimerWatchingTimeProvider _timers;
    private readonly InProcessMessagingOptions _options = new()
    {
        MaxDeliveryAttempts = 3,
        InitialRetryDelay = TimeSpan.FromSeconds(1),
        MaxRetryDelay = TimeSpan.FromSeconds(30),
        QueueCapacity = 1,
    };

    private InProcessBroker _broker = null!;

    public InProcessBrokerTests() => _timers = new TimerWatchingTimeProvider(_time);

    public Task InitializeAsync()
    {
        _broker = new InProcessBroker(Options.Create(_options), _timers, NullLogger<InProcessBroker>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public void RetryDelay_SuccessiveFailures_DoublesUpToCeiling()
    {
        var options = new InProcessMessagingOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(200), MaxRetryDelay = TimeSpan.FromSeconds(1) };

        var delays = Enumerable.Range(1, 5).Select(options.RetryDelay).ToArray();

        Assert.Equal([200, 400, 800, 1000, 1000], delays.Select(d => (int)d.TotalMilliseconds));
    }

    [Fact]
    public async Task HandleAsync_ReturnsRetry_RedeliveredOnlyAfterBackoffElapses()
    {
        var handler = new RecordingHandler(attempt => attempt == 1 ? DeliveryResult.Retry : DeliveryResult.Success, _time);
        await using var consumer = _broker.Subscribe("t", "g", handler, deadLetterTopic: null);

        await _broker.PublishAsync(Envelope("t"));
        await handler.WaitForAsync(1);
        Assert.Equal(TimeSpan.FromSeconds(1), await _timers.NextTimerAsync(Patience));
        _time.Advance(TimeSpan.FromSeconds(1));
        await handler.WaitForAsync(2);

        Assert.Equal([_time.Start, _time.Start + TimeSpan.FromSeconds(1)], handler.Times);
    }

    [Fact]
    public async Task HandleAsync_AlwaysFails_DeadLetteredAfterMaxAttempts()
    {
        var failing = new RecordingHandler(attempt => attempt % 2 == 0 ? throw new InvalidOperationException("boom") : DeliveryResult.Retry);
        var deadLetters = new RecordingHandler(_ => DeliveryResult.Success);
        await using var consumer = _broker.Subscribe("t", "g", failing, deadLetterTopic: "t.dlq");
        await using var dlqConsumer = _broker.Subscribe("t.dlq", "g", deadLetters, deadLetterTopic: null);
        var envelope = Envelope("t");

        await _broker.PublishAsync(envelope);
        await failing.WaitForAsync(1);
        Assert.Equal(TimeSpan.FromSeconds(1), await _timers.NextTimerAsync(Patience));
        _time.Advance(TimeSpan.FromSeconds(1));
        await failing.WaitForAsync(2);
        Assert.Equal(TimeSpan.FromSeconds(2), await _timers.NextTimerAsync(Patience));
        _time.Advance(TimeSpan.FromSeconds(2));
        await deadLetters.WaitForAsync(1);

        Assert.Equal(3, failing.Count);
        Assert.Equal(envelope.Id, deadLetters.Envelopes.Single().Id);
        Assert.Equal("t.dlq", deadLetters.Envelopes.Single().Topic);
    }

    [Fact]
    public async Task HandleAsync_ReturnsDrop_DeadLetteredAtOnce()
    {
        var dropping = new RecordingHandler(_ => DeliveryResult.Drop);
        var deadLetters = new RecordingHandler(_ => DeliveryResult.Success);
        await using var consumer = _broker.Subscribe("t", "g", dropping, deadLetterTopic: "t.dlq");
        await using var dlqConsumer = _broker.Subscribe("t.dlq", "g", deadLetters, deadLetterTopic: null);

        await _broker.PublishAsync(Envelope("t"));
        await deadLetters.WaitForAsync(1);

        Assert.Equal(1, dropping.Count);
    }

    [Fact]
    public async Task PublishAsync_GroupQueueFull_WaitsUntilConsumerCatchesUp()
    {
        var gate = new TaskCompletionSource();
        var handler = new RecordingHandler(_ => DeliveryResult.Success, gate: gate.Task);
        await using var consumer = _broker.Subscribe("t", "g", handler, deadLetterTopic: null);
        await _broker.PublishAsync(Envelope("t"));
        await handler.WaitForAsync(1);
        await _broker.PublishAsync(Envelope("t"));

        var third = _broker.PublishAsync(Envelope("t"));

        Assert.False(third.IsCompleted);
        gate.SetResult();
        await third.WaitAsync(Patience);
        await handler.WaitForAsync(3);
    }

    [Fact]
    public async Task PublishAsync_NoSubscribers_Completes()
    {
        await _broker.PublishAsync(Envelope("nobody-listens")).WaitAsync(Patience);
    }

    [Fact]
    public async Task Subscribe_AfterBrokerDisposed_Throws()
    {
        await _broker.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => _broker.Subscribe("t", "g", new RecordingHandler(_ => DeliveryResult.Success), null));
    }

    private static EventEnvelope Envelope(string topic) => new(Guid.NewGuid().ToString("N"), topic, "test", Encoding.UTF8.GetBytes("{}"));

    private sealed class RecordingHandler(Func<int, DeliveryResult> answer, TimeProvider? clock = null, Task? gate = null) : ITopicHandler
    {
        private readonly ConcurrentQueue<(EventEnvelope Envelope, DateTimeOffset At)> _seen = new();
        private readonly Channel<bool> _signal = Channel.CreateUnbounded<bool>();

        public int Count => _seen.Count;

        public IReadOnlyList<EventEnvelope> Envelopes => _seen.Select(s => s.Envelope).ToArray();

        public IReadOnlyList<DateTimeOffset> Times => _seen.Select(s => s.At).ToArray();

        public async Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
        {
            _seen.Enqueue((envelope, clock?.GetUtcNow() ?? default));
            var attempt = _seen.Count;
            _signal.Writer.TryWrite(true);
            if (gate is not null)
            {
                await gate.WaitAsync(cancellationToken);
            }

            return answer(attempt);
        }

        public async Task WaitForAsync(int count)
        {
            while (_seen.Count < count)
            {
                using var deadline = new CancellationTokenSource(Patience);
                await _signal.Reader.ReadAsync(deadline.Token);
            }
        }
    }
}
