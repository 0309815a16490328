using System.Security.Cryptography;
using System.Text;
using IronLb.ServiceDefaults;
using Microsoft.AspNetCore.Http;

namespace IronLb.Dapr;

/// <summary>Rejects calls into the app that lack the sidecar's APP_API_TOKEN (401), except health probes and metrics.</summary>
/// <remarks>
/// The kubelet probes health endpoints and Prometheus scrapes /metrics directly, not through the
/// sidecar, so they carry no token and stay open; they change nothing and show no configuration.
/// Everything else, the subscription routes and /status included, needs the token.
/// </remarks>
internal sealed class AppApiTokenMiddleware(RequestDelegate next, string token)
{
    internal const string HeaderName = "dapr-api-token";
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    public Task InvokeAsync(HttpContext context)
    {
        if (ProbeListener.IsOpenPath(context.Request.Path) || Presented(context))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    private bool Presented(HttpContext context)
    {
        var values = context.Request.Headers[HeaderName];
        if (values.Count != 1 || values[0] is not { } presented)
        {
            return false;
        }

        // Constant-time comparison so the token cannot be guessed byte by byte from response timing.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expected);
    }
}
