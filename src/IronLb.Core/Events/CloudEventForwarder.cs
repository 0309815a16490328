using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronLb.Core.Events;

/// <summary>
/// Publishes the process's events to the pub/sub component Events:PubSub names, in order, each retried with doubling
/// delays up to Events:MaxPublishAttempts: the sidecar being away for a moment loses nothing, a longer outage loses the
/// oldest events past Events:BufferSize, which consumers see as a gap in a subject's versions.
/// </summary>
internal sealed partial class CloudEventForwarder : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private readonly EventsOptions _options;
    private readonly ICloudEventTransport? _transport;
    private readonly TimeProvider _time;
    private readonly ILogger<CloudEventForwarder> _logger;
    private readonly EventFeed.Subscription? _subscription;

    public CloudEventForwarder(EventFeed stream, IOptions<EventsOptions> options, IServiceProvider services, TimeProvider time, ILogger<CloudEventForwarder> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        if (string.IsNullOrEmpty(_options.PubSub))
        {
            return;
        }

        _transport = services.GetService<ICloudEventTransport>()
            ?? throw new InvalidOperationException($"Events:PubSub is '{_options.PubSub}' but this process has no Dapr sidecar to publish through.");

        // Subscribed at construction, before any service can emit, so the first events are forwarded too.
        _subscription = stream.Subscribe(replay: true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_subscription is null || _transport is null)
        {
            return;
        }

        using var subscription = _subscription;
        long expected = 1;
        await foreach (var streamed in subscription.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (streamed.Position != expected)
            {
                LogFellBehind(_logger, streamed.Position - expected);
            }

            expected = streamed.Position + 1;
            await PublishAsync(streamed, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task PublishAsync(StreamedEvent streamed, CancellationToken stoppingToken)
    {
        var delay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _transport!.PublishAsync(_options.PubSub!, _options.Topic, streamed.CloudEvent, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (attempt >= _options.MaxPublishAttempts)
                {
                    LogGaveUp(_logger, IdOf(streamed), attempt, ex);
                    return;
                }

                LogRetry(_logger, IdOf(streamed), attempt, ex.Message);
                await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
            }
        }
    }

    private static string IdOf(StreamedEvent streamed)
    {
        using var document = JsonDocument.Parse(streamed.CloudEvent);
        return document.RootElement.GetProperty("id").GetString() ?? "";
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Publishing event {Id} failed (attempt {Attempt}): {Error}; retrying")]
    private static partial void LogRetry(ILogger logger, string id, int attempt, string error);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Error, Message = "Event {Id} not published after {Attempts} attempts; consumers will see a gap in its subject")]
    private static partial void LogGaveUp(ILogger logger, string id, int attempts, Exception exception);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "The event forwarder fell behind and lost {Count} events; consumers will see gaps")]
    private static partial void LogFellBehind(ILogger logger, long count);
}
