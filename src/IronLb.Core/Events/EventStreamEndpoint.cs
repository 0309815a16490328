using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace IronLb.Core.Events;

/// <summary>GET /events: the process's public events as they happen, one CloudEvent JSON per line (NDJSON).</summary>
/// <remarks>With ?replay=true the events the process still keeps come first. It is served beside /status and guarded
/// like it (the app API token in a Dapr app); the stream stays open until the client goes.</remarks>
public static class EventStreamEndpoint
{
    public const string Path = "/events";

    public const string ContentType = "application/x-ndjson";

    /// <summary>Maps /events when this process emits events; does nothing otherwise.</summary>
    public static IEndpointRouteBuilder MapEventStream(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<EventFeed>() is not { } stream)
        {
            return endpoints;
        }

        endpoints.MapGet(Path, (HttpContext context) => ServeAsync(context, stream));
        return endpoints;
    }

    private static async Task ServeAsync(HttpContext context, EventFeed stream)
    {
        var replay = context.Request.Query.TryGetValue("replay", out var value) && bool.TryParse(value, out var flag) && flag;
        using var subscription = stream.Subscribe(replay);
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            await foreach (var streamed in subscription.Reader.ReadAllAsync(context.RequestAborted).ConfigureAwait(false))
            {
                await context.Response.Body.WriteAsync(streamed.CloudEvent, context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.WriteAsync("\n"u8.ToArray(), context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: the normal end of a tail.
        }
    }
}
