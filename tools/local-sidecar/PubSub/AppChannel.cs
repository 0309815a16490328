using System.Net.Http.Headers;
using IronLb.LocalSidecar.Hosting;
using Microsoft.Extensions.Logging;

namespace IronLb.LocalSidecar.PubSub;

/// <summary>HTTP calls into the app at 127.0.0.1:--app-port, each bounded by <see cref="SidecarOptions.AppCallTimeout"/>
/// and carrying APP_API_TOKEN as dapr-api-token (https://docs.dapr.io/operations/security/app-api-token/).</summary>
internal sealed partial class AppChannel(HttpClient http, SidecarOptions options, ILogger<AppChannel> logger)
{
    /// <summary>Asks the app for its subscriptions; null when the app is not reachable yet.</summary>
    public async Task<IReadOnlyList<AppSubscription>?> GetSubscriptionsAsync(CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Get, "/dapr/subscribe");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.AppCallTimeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Reachable, but no programmatic subscriptions.
                return [];
            }

            if (!response.IsSuccessStatusCode)
            {
                // Up but not ready (a 503 while starting, say): ask again rather than conclude there are none.
                return null;
            }

            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return AppSubscriptionParser.Parse(body);
        }
        catch (System.Text.Json.JsonException e)
        {
            LogBadSubscriptions(logger, e.Message);
            return null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>POSTs one CloudEvent to <paramref name="path"/> and classifies the answer; no answer counts as RETRY.</summary>
    public async Task<AppResponse> DeliverAsync(string path, byte[] cloudEvent, string? traceParent, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Post, path);
        request.Content = new ByteArrayContent(cloudEvent);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(CloudEventEnvelope.ContentType);
        if (traceParent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.AppCallTimeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return AppResponseClassifier.Classify((int)response.StatusCode, body);
        }
        catch (HttpRequestException e)
        {
            LogDeliveryFailed(logger, path, e.Message);
            return AppResponse.Retry;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogDeliveryTimedOut(logger, path, options.AppCallTimeout);
            return AppResponse.Retry;
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri($"http://127.0.0.1:{options.AppPort}{path}"));
        if (options.AppApiToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", token);
        }

        return request;
    }

    [LoggerMessage(EventId = 303, Level = LogLevel.Error, Message = "The app's /dapr/subscribe answer does not parse: {Reason}")]
    private static partial void LogBadSubscriptions(ILogger logger, string reason);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Delivery to {Path} failed: {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Delivery to {Path} timed out after {Timeout}")]
    private static partial void LogDeliveryTimedOut(ILogger logger, string path, TimeSpan timeout);
}
