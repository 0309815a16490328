using Dapr.Client.Autogen.Grpc.v1;
using System.Text.Json;
using IronLb.LocalSidecar.Components;
using IronLb.LocalSidecar.Hosting;
using IronLb.LocalSidecar.PubSub;
using IronLb.LocalSidecar.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StackExchange.Redis;

namespace IronLb.LocalSidecar.Api;

/// <summary>The HTTP side of the API: health (what Dapr.Client's WaitForSidecarAsync polls), publish and plain state
/// reads and writes (https://docs.dapr.io/reference/api/health_api/).</summary>
internal static class HttpApi
{
    public static void MapHttpApi(this IEndpointRouteBuilder endpoints)
    {
        // daprd answers 204 once its app channel is ready, 500 before.
        endpoints.MapGet("/v1.0/healthz", (AppChannelState app) => app.Ready ? Results.NoContent() : Results.StatusCode(500));
        endpoints.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        endpoints.MapPost("/v1.0/publish/{pubsub}/{**topic}", PublishAsync);
        endpoints.MapGet("/v1.0/state/{store}/{**key}", GetStateAsync);
        endpoints.MapPost("/v1.0/state/{store}", SaveStateAsync);
    }

    /// <summary>With DAPR_API_TOKEN set, /v1.0 calls other than the health endpoints need the token, else 401.</summary>
    public static IApplicationBuilder UseApiToken(this IApplicationBuilder app, SidecarOptions options) =>
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (options.DaprApiToken is { } token
                && path.StartsWithSegments("/v1.0", StringComparison.Ordinal)
                && !path.StartsWithSegments("/v1.0/healthz", StringComparison.Ordinal)
                && !ApiToken.Matches(context.Request.Headers[ApiTokenInterceptor.Header].FirstOrDefault(), token))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsJsonAsync(new { errorCode = "ERR_UNAUTHORIZED", message = "missing or wrong dapr-api-token" }).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });

    private static async Task<IResult> PublishAsync(
        string pubsub, string topic, HttpRequest request, SidecarOptions options, ComponentSet components, RedisStreamPublisher publisher, TimeProvider time)
    {
        if (!components.PubSubs.TryGetValue(pubsub, out var component))
        {
            return Error(404, "ERR_PUBSUB_NOT_FOUND", $"pubsub {pubsub} is not found");
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body).ConfigureAwait(false);
        var context = new CloudEventEnvelope.Context(
            options.AppId, topic, pubsub, request.Headers["traceparent"].FirstOrDefault(), request.Headers["tracestate"].FirstOrDefault(), time.GetUtcNow());
        byte[] envelope;
        try
        {
            envelope = CloudEventEnvelope.IsCloudEvent(request.ContentType)
                ? CloudEventEnvelope.Complete(body.GetBuffer().AsSpan(0, (int)body.Length), context)
                : CloudEventEnvelope.Wrap(body.GetBuffer().AsSpan(0, (int)body.Length), request.ContentType ?? "application/json", context);
        }
        catch (JsonException e)
        {
            return Error(400, "ERR_PUBSUB_CLOUD_EVENTS_SER", e.Message);
        }

        await publisher.PublishAsync(component, topic, envelope).ConfigureAwait(false);
        return Results.NoContent();
    }

    private static async Task<IResult> GetStateAsync(string store, string key, SidecarOptions options, ComponentSet components, RedisConnections redis, HttpResponse response)
    {
        if (!components.StateStores.TryGetValue(store, out var component))
        {
            return Error(400, "ERR_STATE_STORE_NOT_FOUND", $"state store {store} is not found");
        }

        string redisKey;
        try
        {
            redisKey = StateKeyPrefix.Apply(component.KeyPrefix, component.Name, options.AppId, options.Namespace, key);
        }
        catch (ArgumentException e)
        {
            return Error(400, "ERR_MALFORMED_REQUEST", e.Message);
        }

        var state = new RedisStateStore(await redis.GetDatabaseAsync(component.RedisHost).ConfigureAwait(false));
        var (data, etag) = await state.GetAsync(redisKey).ConfigureAwait(false);
        if (data is null)
        {
            return Results.NoContent();
        }

        response.Headers.ETag = etag;
        return Results.Bytes(data, "application/json");
    }

    private static async Task<IResult> SaveStateAsync(string store, HttpRequest request, SidecarOptions options, ComponentSet components, RedisConnections redis)
    {
        if (!components.StateStores.TryGetValue(store, out var component))
        {
            return Error(400, "ERR_STATE_STORE_NOT_FOUND", $"state store {store} is not found");
        }

        List<HttpStateItem>? items;
        try
        {
            items = await JsonSerializer.DeserializeAsync<List<HttpStateItem>>(request.Body, JsonSerializerOptions.Web).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Error(400, "ERR_MALFORMED_REQUEST", e.Message);
        }

        var state = new RedisStateStore(await redis.GetDatabaseAsync(component.RedisHost).ConfigureAwait(false));
        foreach (var item in items ?? [])
        {
            if (item.Key is null || item.Key.Contains(StateKeyPrefix.Separator, StringComparison.Ordinal))
            {
                return Error(400, "ERR_MALFORMED_REQUEST", $"input key '{item.Key}' is empty or contains '{StateKeyPrefix.Separator}'");
            }

            var concurrency = item.Options?.Concurrency switch
            {
                "first-write" => StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite,
                "last-write" => StateOptions.Types.StateConcurrency.ConcurrencyLastWrite,
                _ => StateOptions.Types.StateConcurrency.ConcurrencyUnspecified,
            };
            var redisKey = StateKeyPrefix.Apply(component.KeyPrefix, component.Name, options.AppId, options.Namespace, item.Key);
            StateOperation op;
            try
            {
                var etag = item.Etag is null ? null : new Etag { Value = item.Etag };
                op = StateRequestRules.Upsert(redisKey, JsonSerializer.SerializeToUtf8Bytes(item.Value), etag, new StateOptions { Concurrency = concurrency }, inTransaction: false);
            }
            catch (InvalidETagException e)
            {
                return Error(400, "ERR_STATE_SAVE", $"failed saving state in state store {store}: {e.Message}");
            }

            // daprd's HTTP API: an ETag mismatch is 409, any other failure 500 (pkg/api/http/http.go, stateErrorResponse).
            try
            {
                await state.WriteAsync(op).ConfigureAwait(false);
            }
            catch (StateScriptException e) when (op.HasETag)
            {
                return Error(409, "ERR_STATE_SAVE", $"failed saving state in state store {store}: possible etag mismatch. error from state store: {e.Message}");
            }
            catch (StateScriptException e)
            {
                return Error(500, "ERR_STATE_SAVE", $"failed saving state in state store {store}: failed to set key {redisKey}: {e.Message}");
            }
        }

        return Results.NoContent();
    }

    private static IResult Error(int status, string code, string message) => Results.Json(new { errorCode = code, message }, statusCode: status);

    private sealed record HttpStateItem(string Key, JsonElement Value, string? Etag, HttpStateOptions? Options);

    private sealed record HttpStateOptions(string? Concurrency);
}
