using Grpc.Core;
using Grpc.Core.Interceptors;
using IronLb.LocalSidecar.Hosting;

namespace IronLb.LocalSidecar.Api;

/// <summary>With DAPR_API_TOKEN set, every gRPC call must carry it as dapr-api-token, else Unauthenticated
/// (https://docs.dapr.io/operations/security/api-token/).</summary>
internal sealed class ApiTokenInterceptor(SidecarOptions options) : Interceptor
{
    public const string Header = "dapr-api-token";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (options.DaprApiToken is { } token && !ApiToken.Matches(context.RequestHeaders.GetValue(Header), token))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing or wrong dapr-api-token"));
        }

        return continuation(request, context);
    }
}

/// <summary>Constant-time comparison of a presented token with the configured one.</summary>
internal static class ApiToken
{
    public static bool Matches(string? presented, string expected) =>
        presented is not null
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(presented), System.Text.Encoding.UTF8.GetBytes(expected));
}
