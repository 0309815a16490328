using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IronLb.ServiceDefaults;

/// <summary>Where the kubelet and Prometheus reach a service; bound from the "Probes" configuration section.</summary>
public sealed class ProbeOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Probes";

    /// <summary>
    /// ADDR:PORT of a second listener that serves only GET /healthz, /readyz and /metrics (environment Probes__Listen),
    /// so the app port itself can stay on loopback where only the Dapr sidecar reaches it. Null: no second listener.
    /// Default: null.
    /// </summary>
    public string? Listen { get; set; }
}

/// <summary>
/// The probe listener: the kubelet's probes and Prometheus cannot use loopback in a pod's own network, and must not
/// need the app API token, so they get a port of their own that serves nothing else.
/// </summary>
public static class ProbeListener
{
    /// <summary>The paths served without the app API token, and the only ones on the probe port.</summary>
    public static readonly IReadOnlyList<PathString> OpenPaths = ["/healthz", "/readyz", "/metrics"];

    /// <summary>True for a request to one of <see cref="OpenPaths"/> (exact path, any case).</summary>
    public static bool IsOpenPath(PathString path) => OpenPaths.Any(open => path.Equals(open, StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds the probe listener beside the app's own URLs (ASPNETCORE_URLS, default http://localhost:5000) when Probes:Listen is set.</summary>
    internal static void Configure(IHostApplicationBuilder builder)
    {
        var listen = builder.Configuration.GetSection(ProbeOptions.SectionName).Get<ProbeOptions>()?.Listen;
        if (string.IsNullOrEmpty(listen) || builder is not WebApplicationBuilder web)
        {
            return;
        }

        if (!IPEndPoint.TryParse(listen, out var endpoint) || endpoint.Port == 0)
        {
            throw new InvalidOperationException($"Probes:Listen '{listen}' is not ADDR:PORT with a port other than 0.");
        }

        var appUrls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls ? urls : "http://localhost:5000";
        if (appUrls.Split(';').Any(url => Uri.TryCreate(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri) && uri.Port == endpoint.Port))
        {
            throw new InvalidOperationException($"Probes:Listen '{listen}' uses the app's own port; give the probes a port of their own.");
        }

        web.WebHost.UseUrls([.. appUrls.Split(';', StringSplitOptions.RemoveEmptyEntries), "http://" + endpoint.ToString()]);
        builder.Services.AddSingleton(new ProbePort(endpoint.Port));
    }

    /// <summary>Answers 404 to anything but the open paths arriving on the probe port.</summary>
    internal static void UseProbePortFilter(WebApplication app)
    {
        if (app.Services.GetService<ProbePort>() is not { } probe)
        {
            return;
        }

        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort == probe.Port && !(HttpMethods.IsGet(context.Request.Method) && IsOpenPath(context.Request.Path)))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
    }

    private sealed record ProbePort(int Port)
    {
        public override string ToString() => Port.ToString(CultureInfo.InvariantCulture);
    }
}
