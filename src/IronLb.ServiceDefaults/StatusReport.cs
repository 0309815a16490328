using System.Text.Json;
using IronLb.Core.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IronLb.ServiceDefaults;

/// <summary>One part of /status: a service's view of what it holds right now.</summary>
public interface IStatusContributor
{
    /// <summary>The JSON property this part appears under.</summary>
    string Section { get; }

    /// <summary>A JSON-serialisable snapshot.</summary>
    object Snapshot();
}

/// <summary>Serves /status: every contributor's snapshot, in one JSON object.</summary>
public static class StatusReport
{
    /// <summary>Maps GET /status.</summary>
    public static WebApplication MapStatus(this WebApplication app)
    {
        app.MapGet("/status", (IEnumerable<IStatusContributor> contributors) =>
        {
            var body = new SortedDictionary<string, object>(StringComparer.Ordinal);
            foreach (var contributor in contributors)
            {
                body[contributor.Section] = contributor.Snapshot();
            }

            return Results.Text(JsonSerializer.Serialize(body, ContractJson.Options), "application/json");
        });
        return app;
    }

    /// <summary>Registers a contributor.</summary>
    public static IServiceCollection AddStatusContributor<T>(this IServiceCollection services)
        where T : class, IStatusContributor
    {
        services.AddSingleton<T>();
        services.AddSingleton<IStatusContributor>(sp => sp.GetRequiredService<T>());
        return services;
    }
}
