using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using IronLb.LocalSidecar.Components;
using IronLb.LocalSidecar.State;
using StackExchange.Redis;

namespace IronLb.LocalSidecar.Api;

/// <summary>The state methods, answered with the status codes and texts daprd gives in front of state.redis.</summary>
/// <remarks>
/// dapr/dapr pkg/api/grpc/grpc.go: SaveState/DeleteState/DeleteBulkState map a components-contrib ETagError of kind
/// mismatch to Aborted and of kind invalid to InvalidArgument, anything else to Internal (stateErrorResponse);
/// ExecuteStateTransaction answers every failure Internal. Message formats from pkg/messages. state.redis
/// (components-contrib state/redis/redis.go) reports any failed save that carried an ETag, and any failed delete, as
/// an ETag mismatch, even when Redis itself was unreachable.
/// </remarks>
internal sealed partial class DaprRuntimeService
{
    private const string MismatchPrefix = "possible etag mismatch. error from state store: ";

    public override async Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        var component = StateStore(request.StoreName);
        var redisKey = RedisKey(component, request.Key);
        try
        {
            var (data, etag) = await (await StateAsync(component).ConfigureAwait(false)).GetAsync(redisKey).ConfigureAwait(false);
            return new GetStateResponse { Data = data is null ? ByteString.Empty : ByteString.CopyFrom(data), Etag = etag };
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Status(StatusCode.Internal, $"fail to get {request.Key} from state store {request.StoreName}: {e.Message}");
        }
    }

    // daprd's default bulk get reads key by key and reports a failed key in the item's error field, not as a failed call.
    public override async Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context)
    {
        var component = StateStore(request.StoreName);
        var keys = request.Keys.ToList();
        var redisKeys = keys.Select(k => RedisKey(component, k)).ToList();
        var response = new GetBulkStateResponse();
        IReadOnlyList<(byte[]? Data, string ETag)>? values = null;
        string? error = null;
        try
        {
            values = await (await StateAsync(component).ConfigureAwait(false)).GetBulkAsync(redisKeys).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            error = e.Message;
        }

        for (var i = 0; i < keys.Count; i++)
        {
            response.Items.Add(values is null
                ? new BulkStateItem { Key = keys[i], Error = error ?? "" }
                : new BulkStateItem { Key = keys[i], Data = values[i].Data is { } data ? ByteString.CopyFrom(data) : ByteString.Empty, Etag = values[i].ETag });
        }

        return response;
    }

    // Several items are not a transaction in Dapr either: each is written on its own and any failure fails the call.
    public override async Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context)
    {
        var component = StateStore(request.StoreName);
        var operations = new List<StateOperation>(request.States.Count);
        foreach (var item in request.States)
        {
            var redisKey = RedisKey(component, item.Key);
            try
            {
                operations.Add(StateRequestRules.Upsert(redisKey, item.Value.Memory, item.Etag, item.Options, inTransaction: false));
            }
            catch (InvalidETagException e)
            {
                throw Status(StatusCode.InvalidArgument, $"failed saving state in state store {request.StoreName}: {e.Message}");
            }
        }

        var failures = await WriteEachAsync(component, operations, op => $"failed to set key {op.RedisKey}: ").ConfigureAwait(false);
        if (failures.Count > 0)
        {
            throw Status(Code(failures), $"failed saving state in state store {request.StoreName}: {Join(failures)}");
        }

        return new Empty();
    }

    public override async Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context)
    {
        var component = StateStore(request.StoreName);
        var operation = StateRequestRules.Delete(RedisKey(component, request.Key), request.Etag);
        var failures = await WriteEachAsync(component, [operation], _ => "").ConfigureAwait(false);
        if (failures.Count > 0)
        {
            throw Status(StatusCode.Aborted, $"failed deleting state with key {request.Key}: {Join(failures)}");
        }

        return new Empty();
    }

    public override async Task<Empty> DeleteBulkState(DeleteBulkStateRequest request, ServerCallContext context)
    {
        var component = StateStore(request.StoreName);
        var operations = request.States.Select(item => StateRequestRules.Delete(RedisKey(component, item.Key), item.Etag)).ToList();
        var failures = await WriteEachAsync(component, operations, _ => "").ConfigureAwait(false);
        if (failures.Count > 0)
        {
            throw Status(StatusCode.Aborted, $"failed deleting state in state store {request.StoreName}: {Join(failures)}");
        }

        return new Empty();
    }

    public override async Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        const string Failed = "error while executing state transaction: ";
        var component = StateStore(request.StoreName);
        var operations = new List<StateOperation>(request.Operations.Count);
        foreach (var operation in request.Operations)
        {
            var item = operation.Request ?? throw Status(StatusCode.InvalidArgument, "a transactional operation has no request");
            var redisKey = RedisKey(component, item.Key);
            try
            {
                operations.Add(operation.OperationType switch
                {
                    "upsert" => StateRequestRules.Upsert(redisKey, item.Value.Memory, item.Etag, item.Options, inTransaction: true),
                    "delete" => StateRequestRules.Delete(redisKey, item.Etag),
                    var other => throw Status(StatusCode.Unimplemented, $"operation type {other} not supported"),
                });
            }
            catch (InvalidETagException e)
            {
                throw Status(StatusCode.Internal, Failed + e.Message);
            }
        }

        try
        {
            await (await StateAsync(component).ConfigureAwait(false)).TransactAsync(operations).ConfigureAwait(false);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            throw Status(StatusCode.Internal, Failed + e.Message);
        }

        return new Empty();
    }

    private async Task<List<(StateOperation Operation, string Message)>> WriteEachAsync(
        StateStoreComponent component, IReadOnlyList<StateOperation> operations, Func<StateOperation, string> plainPrefix)
    {
        var failures = new List<(StateOperation, string)>();
        foreach (var operation in operations)
        {
            try
            {
                await (await StateAsync(component).ConfigureAwait(false)).WriteAsync(operation).ConfigureAwait(false);
            }
            catch (Exception e) when (IsStoreFailure(e))
            {
                // state.redis: a failed delete, or a failed save that carried an ETag, is an ETag mismatch whatever the cause.
                var mismatch = operation.IsDelete || operation.HasETag;
                failures.Add((operation, (mismatch ? MismatchPrefix : plainPrefix(operation)) + e.Message));
            }
        }

        return failures;
    }

    // A refused script, or Redis unreachable or too slow (StackExchange.Redis's timeout is not a RedisException).
    private static bool IsStoreFailure(Exception e) => e is StateScriptException or RedisException or TimeoutException;

    private static StatusCode Code(List<(StateOperation Operation, string Message)> failures) =>
        failures.Any(f => f.Operation.IsDelete || f.Operation.HasETag) ? StatusCode.Aborted : StatusCode.Internal;

    private static string Join(List<(StateOperation Operation, string Message)> failures) => string.Join("\n", failures.Select(f => f.Message));

    private StateStoreComponent StateStore(string name) =>
        components.StateStores.TryGetValue(name, out var store) ? store : throw Status(StatusCode.InvalidArgument, $"state store {name} is not found");

    private async Task<RedisStateStore> StateAsync(StateStoreComponent store) =>
        new(await redis.GetDatabaseAsync(store.RedisHost).ConfigureAwait(false));

    private string RedisKey(StateStoreComponent store, string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw Status(StatusCode.InvalidArgument, "state key cannot be empty");
        }

        try
        {
            return StateKeyPrefix.Apply(store.KeyPrefix, store.Name, options.AppId, options.Namespace, key);
        }
        catch (ArgumentException e)
        {
            throw Status(StatusCode.InvalidArgument, e.Message);
        }
    }

    private static RpcException Status(StatusCode code, string message) => new(new Status(code, message));
}
