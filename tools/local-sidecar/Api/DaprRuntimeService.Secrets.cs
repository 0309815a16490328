using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using IronLb.LocalSidecar.Secrets;

namespace IronLb.LocalSidecar.Api;

/// <summary>The secrets methods of the Dapr runtime API (https://docs.dapr.io/reference/api/secrets_api/), with daprd's
/// status codes: no secret store at all FailedPrecondition, an unknown store InvalidArgument, a secret the store does not
/// hold Internal (daprd's ERR_SECRET_GET wraps the store's "not found").</summary>
internal sealed partial class DaprRuntimeService
{
    public override Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext context)
    {
        var store = SecretStore(request.StoreName);
        var secret = store.Get(request.Key)
            ?? throw new RpcException(new Status(StatusCode.Internal, $"failed getting secret with key {request.Key} from secret store {store.Name}: secret {request.Key} not found"));
        var response = new GetSecretResponse();
        foreach (var (key, value) in secret)
        {
            response.Data.Add(key, value);
        }

        return Task.FromResult(response);
    }

    public override Task<GetBulkSecretResponse> GetBulkSecret(GetBulkSecretRequest request, ServerCallContext context)
    {
        var store = SecretStore(request.StoreName);
        var response = new GetBulkSecretResponse();
        foreach (var (name, values) in store.All)
        {
            var item = new SecretResponse();
            foreach (var (key, value) in values)
            {
                item.Secrets.Add(key, value);
            }

            response.Data.Add(name, item);
        }

        return Task.FromResult(response);
    }

    private LocalFileSecretStore SecretStore(string name)
    {
        if (components.SecretStores.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "secret store is not configured"));
        }

        return components.SecretStores.TryGetValue(name, out var store)
            ? store
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"failed finding secret store with key {name}"));
    }
}
