using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IronLb.LocalSidecar.Components;
using IronLb.LocalSidecar.Hosting;
using IronLb.LocalSidecar.PubSub;
using IronLb.LocalSidecar.State;
using StackExchange.Redis;

namespace IronLb.LocalSidecar.Api;

/// <summary>The state and publish methods of the Dapr runtime API, answered with daprd's status codes
/// (https://docs.dapr.io/reference/api/state_api/, https://docs.dapr.io/reference/api/pubsub_api/).</summary>
internal sealed partial class DaprRuntimeService(
    SidecarOptions options,
    ComponentSet components,
    RedisConnections redis,
    RedisStreamPublisher publisher,
    AppChannelState appChannel,
    TimeProvider time) : DaprServiceBase
{
    public override async Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        var (store, state) = await StoreAsync(request.StoreName).ConfigureAwait(false);
        var (data, etag) = await Guard(() => state.GetAsync(RedisKey(store, request.Key))).ConfigureAwait(false);
        return new GetStateResponse { Data = data is null ? ByteString.Empty : ByteString.CopyFrom(data), Etag = etag };
    }

    public override async Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context)
    {
        var (store, state) = await StoreAsync(request.StoreName).ConfigureAwait(false);
        var keys = request.Keys.ToList();
        var values = await Guard(() => state.GetBulkAsync(keys.Select(k => RedisKey(store, k)).ToList())).ConfigureAwait(false);
        var response = new GetBulkStateResponse();
        for (var i = 0; i < keys.Count; i++)
        {
            response.Items.Add(new BulkStateItem
            {
                Key = keys[i],
                Data = values[i].Data is { } data ? ByteString.CopyFrom(data) : ByteString.Empty,
                Etag = values[i].ETag,
            });
        }

        return response;
    }

    // A multi-item save is not a transaction in Dapr either: each item stands alone, and any ETag failure fails the call.
    public override async Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context)
    {
        var (store, state) = await StoreAsync(request.StoreName).ConfigureAwait(false);
        await WriteEachAsync(state, request.States.Select(item => Upsert(store, item)).ToList()).ConfigureAwait(false);
        return new Empty();
    }

    public override async Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context)
    {
        var (store, state) = await StoreAsync(request.StoreName).ConfigureAwait(false);
        var op = new StateOperation(RedisKey(store, request.Key), null, ETag(request.Etag), IsFirstWrite(request.Options));
        await Guard(() => state.WriteAsync([op])).ConfigureAwait(false);
        return new Empty();
    }

    public override async Task<Empty> DeleteBulkState(DeleteBulkStateRequest request, ServerCallContext context)
    {
        var (store, state) = await StoreAsync(request.StoreName).ConfigureAwait(false);
        var ops = request.States.Select(item => new StateOperation(RedisKey(store, item.Key), null, ETag(item.Etag), IsFirstWrite(item.Options))).ToList();
        await WriteEachAsync(state, ops).ConfigureAwait(false);
        return new Empty();
    }

    public override async Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        var (store, state) = await StoreAsync(request.StoreName).ConfigureAwait(false);
        var ops = new List<StateOperation>(request.Operations.Count);
        foreach (var operation in request.Operations)
        {
            var item = operation.Request ?? throw Invalid("a transactional operation has no request");
            ops.Add(operation.OperationType switch
            {
                "upsert" => Upsert(store, item),
                "delete" => new StateOperation(RedisKey(store, item.Key), null, ETag(item.Etag), IsFirstWrite(item.Options)),
                var other => throw Invalid($"operation type {other} is not supported"),
            });
        }

        await Guard(() => state.WriteAsync(ops)).ConfigureAwait(false);
        return new Empty();
    }

    public override async Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
    {
        var component = PubSub(request.PubsubName, request.Topic);
        var envelope = Envelope(request.Data.Span, request.DataContentType, request.Metadata, component.Name, request.Topic, context);
        await Guard(() => publisher.PublishAsync(component, request.Topic, envelope)).ConfigureAwait(false);
        return new Empty();
    }

    public override Task<BulkPublishResponse> BulkPublishEventAlpha1(BulkPublishRequest request, ServerCallContext context) => BulkPublishEvent(request, context);

    public override async Task<BulkPublishResponse> BulkPublishEvent(BulkPublishRequest request, ServerCallContext context)
    {
        var component = PubSub(request.PubsubName, request.Topic);
        var response = new BulkPublishResponse();
        foreach (var entry in request.Entries)
        {
            try
            {
                var metadata = new Dictionary<string, string>(request.Metadata);
                foreach (var (key, value) in entry.Metadata)
                {
                    metadata[key] = value;
                }

                var envelope = Envelope(entry.Event.Span, entry.ContentType, metadata, component.Name, request.Topic, context);
                await publisher.PublishAsync(component, request.Topic, envelope).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or RpcException)
            {
                response.FailedEntries.Add(new BulkPublishResponseFailedEntry { EntryId = entry.EntryId, Error = e.Message });
            }
        }

        return response;
    }

    public override Task<GetMetadataResponse> GetMetadata(GetMetadataRequest request, ServerCallContext context)
    {
        var response = new GetMetadataResponse { Id = options.AppId, RuntimeVersion = "ironlb-local-sidecar" };
        foreach (var store in components.StateStores.Values)
        {
            response.RegisteredComponents.Add(new RegisteredComponents { Name = store.Name, Type = "state.redis", Version = "v1", Capabilities = { "ETAG", "TRANSACTIONAL" } });
        }

        foreach (var pubsub in components.PubSubs.Values)
        {
            response.RegisteredComponents.Add(new RegisteredComponents { Name = pubsub.Name, Type = "pubsub.redis", Version = "v1" });
        }

        foreach (var subscription in appChannel.Subscriptions)
        {
            var entry = new PubsubSubscription { PubsubName = subscription.PubsubName, Topic = subscription.Topic, DeadLetterTopic = subscription.DeadLetterTopic ?? "", Rules = new PubsubSubscriptionRules() };
            foreach (var rule in subscription.Rules)
            {
                entry.Rules.Rules.Add(new PubsubSubscriptionRule { Match = rule.Match, Path = rule.Path });
            }

            if (subscription.DefaultRoute is { } route)
            {
                entry.Rules.Rules.Add(new PubsubSubscriptionRule { Path = route });
            }

            response.Subscriptions.Add(entry);
        }

        return Task.FromResult(response);
    }

    private byte[] Envelope(ReadOnlySpan<byte> data, string contentType, IDictionary<string, string> metadata, string pubsubName, string topic, ServerCallContext context)
    {
        // rawPayload=true publishes the bytes as they are, for subscribers that do not speak CloudEvents.
        if (metadata.TryGetValue("rawPayload", out var raw) && bool.TryParse(raw, out var isRaw) && isRaw)
        {
            return data.ToArray();
        }

        var ce = new CloudEventEnvelope.Context(
            options.AppId, topic, pubsubName, context.RequestHeaders.GetValue("traceparent"), context.RequestHeaders.GetValue("tracestate"), time.GetUtcNow());
        try
        {
            return CloudEventEnvelope.IsCloudEvent(contentType) ? CloudEventEnvelope.Complete(data, ce) : CloudEventEnvelope.Wrap(data, contentType, ce);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw Invalid($"the CloudEvent does not parse: {e.Message}");
        }
    }

    private PubSubComponent PubSub(string name, string topic)
    {
        if (string.IsNullOrEmpty(topic))
        {
            throw Invalid("topic is empty");
        }

        return components.PubSubs.TryGetValue(name, out var component) ? component : throw Invalid($"pubsub {name} is not found");
    }

    private async Task<(StateStoreComponent Store, RedisStateStore State)> StoreAsync(string name)
    {
        if (!components.StateStores.TryGetValue(name, out var store))
        {
            throw Invalid($"state store {name} is not found");
        }

        var database = await Guard(() => redis.GetDatabaseAsync(store.RedisHost)).ConfigureAwait(false);
        return (store, new RedisStateStore(database));
    }

    private string RedisKey(StateStoreComponent store, string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw Invalid("key is empty");
        }

        try
        {
            return StateKeyPrefix.Apply(store.KeyPrefix, store.Name, options.AppId, options.Namespace, key);
        }
        catch (ArgumentException e)
        {
            throw Invalid(e.Message);
        }
    }

    private StateOperation Upsert(StateStoreComponent store, StateItem item) =>
        new(RedisKey(store, item.Key), item.Value.Memory, ETag(item.Etag), IsFirstWrite(item.Options));

    private static async Task WriteEachAsync(RedisStateStore state, IReadOnlyList<StateOperation> ops)
    {
        RpcException? failure = null;
        foreach (var op in ops)
        {
            try
            {
                await Guard(() => state.WriteAsync([op])).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                failure ??= e;
            }
        }

        if (failure is not null)
        {
            throw failure;
        }
    }

    private static string? ETag(Etag? etag) => string.IsNullOrEmpty(etag?.Value) ? null : etag.Value;

    private static bool IsFirstWrite(StateOptions? stateOptions) =>
        stateOptions?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;

    // daprd: ETag mismatch -> Aborted (what Dapr.Client's Try* methods turn into false), bad ETag -> InvalidArgument.
    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (ETagMismatchException e)
        {
            throw new RpcException(new Status(StatusCode.Aborted, e.Message));
        }
        catch (InvalidETagException e)
        {
            throw Invalid(e.Message);
        }
        catch (RedisException e)
        {
            throw new RpcException(new Status(StatusCode.Internal, e.Message));
        }
    }

    private static async Task Guard(Func<Task> action) => await Guard(async () =>
    {
        await action().ConfigureAwait(false);
        return true;
    }).ConfigureAwait(false);

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
