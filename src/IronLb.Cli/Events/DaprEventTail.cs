using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace IronLb.Cli.Events;

/// <summary>
/// Receives the public events as a Dapr app: serves /dapr/subscribe (the topic on the named component) and the delivery
/// route on 127.0.0.1:APP-PORT, for a sidecar started with that app port. Each delivery is answered SUCCESS once printed.
/// </summary>
internal static class DaprEventTail
{
    public const string Route = "ironlb-events";

    /// <summary>Serves until the count is reached or the caller cancels.</summary>
    public static async Task RunAsync(int appPort, string pubSub, string topic, string? appApiToken, Func<JsonElement, bool> onEvent, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, appPort));
        await using var app = builder.Build();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var gate = new Lock();
        app.MapGet("/dapr/subscribe", () => Results.Json(new[] { new { pubsubname = pubSub, topic, route = "/" + Route } }));
        app.MapPost("/" + Route, async (HttpContext context) =>
        {
            if (!string.IsNullOrEmpty(appApiToken) && context.Request.Headers["dapr-api-token"] != appApiToken)
            {
                return Results.Unauthorized();
            }

            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            lock (gate)
            {
                if (!done.IsCancellationRequested && !onEvent(document.RootElement))
                {
                    done.Cancel();
                }
            }

            return Results.Json(new { status = "SUCCESS" });
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, done.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Count reached, or Ctrl-C.
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
