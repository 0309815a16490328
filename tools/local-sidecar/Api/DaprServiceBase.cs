using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace IronLb.LocalSidecar.Api;

/// <summary>Binds the subset of dapr.proto.runtime.v1.Dapr the sidecar serves. Dapr.Protos ships no server base for
/// this service, so the binding is written out here; every other method of the service answers Unimplemented.</summary>
/// <remarks>Grpc.AspNetCore resolves each handler by name on the attributed type, so handlers must be public virtual
/// methods declared here and overridden by the implementation.</remarks>
[BindServiceMethod(typeof(DaprServiceBase), nameof(BindService))]
internal abstract class DaprServiceBase
{
    public const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    public virtual Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context) => throw Unimplemented();

    public virtual Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context) => throw Unimplemented();

    public virtual Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context) => throw Unimplemented();

    public virtual Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context) => throw Unimplemented();

    public virtual Task<Empty> DeleteBulkState(DeleteBulkStateRequest request, ServerCallContext context) => throw Unimplemented();

    public virtual Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context) => throw Unimplemented();

    public virtual Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context) => throw Unimplemented();

    public virtual Task<BulkPublishResponse> BulkPublishEvent(BulkPublishRequest request, ServerCallContext context) => throw Unimplemented();

    public virtual Task<BulkPublishResponse> BulkPublishEventAlpha1(BulkPublishRequest request, ServerCallContext context) => throw Unimplemented();

    public virtual Task<GetMetadataResponse> GetMetadata(GetMetadataRequest request, ServerCallContext context) => throw Unimplemented();

    public virtual Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext context) => throw Unimplemented();

    public virtual Task<GetBulkSecretResponse> GetBulkSecret(GetBulkSecretRequest request, ServerCallContext context) => throw Unimplemented();

    /// <summary>Called by Grpc.AspNetCore with a null <paramref name="service"/> to discover the methods.</summary>
    public static void BindService(ServiceBinderBase binder, DaprServiceBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(Unary(GetStateRequest.Parser, GetStateResponse.Parser, nameof(GetState)), service is null ? null : service.GetState);
        binder.AddMethod(Unary(GetBulkStateRequest.Parser, GetBulkStateResponse.Parser, nameof(GetBulkState)), service is null ? null : service.GetBulkState);
        binder.AddMethod(Unary(SaveStateRequest.Parser, Empty.Parser, nameof(SaveState)), service is null ? null : service.SaveState);
        binder.AddMethod(Unary(DeleteStateRequest.Parser, Empty.Parser, nameof(DeleteState)), service is null ? null : service.DeleteState);
        binder.AddMethod(Unary(DeleteBulkStateRequest.Parser, Empty.Parser, nameof(DeleteBulkState)), service is null ? null : service.DeleteBulkState);
        binder.AddMethod(Unary(ExecuteStateTransactionRequest.Parser, Empty.Parser, nameof(ExecuteStateTransaction)), service is null ? null : service.ExecuteStateTransaction);
        binder.AddMethod(Unary(PublishEventRequest.Parser, Empty.Parser, nameof(PublishEvent)), service is null ? null : service.PublishEvent);
        binder.AddMethod(Unary(BulkPublishRequest.Parser, BulkPublishResponse.Parser, nameof(BulkPublishEvent)), service is null ? null : service.BulkPublishEvent);
        binder.AddMethod(Unary(BulkPublishRequest.Parser, BulkPublishResponse.Parser, nameof(BulkPublishEventAlpha1)), service is null ? null : service.BulkPublishEventAlpha1);
        binder.AddMethod(Unary(GetMetadataRequest.Parser, GetMetadataResponse.Parser, nameof(GetMetadata)), service is null ? null : service.GetMetadata);
        binder.AddMethod(Unary(GetSecretRequest.Parser, GetSecretResponse.Parser, nameof(GetSecret)), service is null ? null : service.GetSecret);
        binder.AddMethod(Unary(GetBulkSecretRequest.Parser, GetBulkSecretResponse.Parser, nameof(GetBulkSecret)), service is null ? null : service.GetBulkSecret);
    }

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(MessageParser<TRequest> request, MessageParser<TResponse> response, string name)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, ServiceName, name, Marshallers.Create(m => m.ToByteArray(), request.ParseFrom), Marshallers.Create(m => m.ToByteArray(), response.ParseFrom));

    private static RpcException Unimplemented() => new(new Status(StatusCode.Unimplemented, "not served by the local sidecar"));
}
