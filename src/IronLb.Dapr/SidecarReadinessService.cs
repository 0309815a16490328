using Dapr.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace IronLb.Dapr;

/// <summary>Holds start-up until the Dapr sidecar answers, so services reconcile from state only once it is reachable.</summary>
/// <remarks>
/// WaitForSidecarAsync polls the sidecar's outbound health, which does not depend on this app
/// listening, so waiting here cannot deadlock with a sidecar that waits for the app. Polly
/// only bounds the wait: this is the app's own retry, not a call the sidecar already retries.
/// </remarks>
internal sealed partial class SidecarReadinessService(
    DaprClient client, IOptions<DaprMessagingOptions> options, TimeProvider timeProvider, ILogger<SidecarReadinessService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.SidecarWaitTimeout;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddTimeout(timeout).Build();
        Log.Waiting(logger, timeout);
        await pipeline.ExecuteAsync(static async (dapr, token) => await dapr.WaitForSidecarAsync(token).ConfigureAwait(false), client, cancellationToken)
            .ConfigureAwait(false);
        Log.Ready(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Waiting up to {Timeout} for the Dapr sidecar")]
        public static partial void Waiting(ILogger logger, TimeSpan timeout);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Dapr sidecar is ready")]
        public static partial void Ready(ILogger logger);
    }
}
