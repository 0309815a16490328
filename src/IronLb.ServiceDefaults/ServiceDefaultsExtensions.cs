using System.Text.Json;
using IronLb.Core.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IronLb.ServiceDefaults;

/// <summary>What every IronLB service serves: /healthz, /readyz, /status and /metrics.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>The meters whose instruments /metrics exports.</summary>
    public const string MeterPrefix = "IronLb";

    /// <summary>Registers health checks, the Prometheus exporter and, with Probes:Listen, the probe listener.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks();

        // A closed readiness gate is reported by /readyz; logging it as an error on every probe would only be noise.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(_ => new PrometheusExporter(meter => meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal)));
        builder.Services.AddStatusContributor<ConfigurationStatus>();
        ProbeListener.Configure(builder);
        return builder;
    }

    /// <summary>Registers a readiness gate for <paramref name="component"/>; /readyz fails until it is marked ready.</summary>
    public static IServiceCollection AddReadinessGate(this IServiceCollection services, string component)
    {
        var gate = new ReadinessGate(component);
        services.AddKeyedSingleton(component, gate);
        services.AddHealthChecks().Add(new HealthCheckRegistration(component, gate, HealthStatus.Unhealthy, ["ready"]));
        return services;
    }

    /// <summary>
    /// Maps /healthz (the process is alive), /readyz (every readiness gate is open), /status, /events (when the process emits
    /// public events) and /metrics; on the probe
    /// port (Probes:Listen), only the first and the last two.
    /// </summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        ProbeListener.UseProbePortFilter(app);

        // Resolve now so instruments created during start-up are already being listened to.
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteReadiness,
        });
        app.MapStatus();
        app.MapEventStream();
        app.MapGet("/metrics", () => Results.Text(exporter.Scrape(), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }

    private static Task WriteReadiness(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal)
                .ToDictionary(e => e.Key, e => e.Value.Description),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
