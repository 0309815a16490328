using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IronLb.Core.Events;

/// <summary>Registers the public event stream; every service that emits events calls it, and it takes effect once per process.</summary>
public static class IntegrationEventsRegistration
{
    /// <summary>Adds <see cref="IntegrationEvents"/>, the process's <see cref="EventFeed"/> and, with Events:PubSub, the Dapr forwarder.</summary>
    public static IServiceCollection AddIntegrationEvents(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(EventFeed)))
        {
            return services;
        }

        services.AddOptions<EventsOptions>()
            .Bind(configuration.GetSection(EventsOptions.SectionName))
            .PostConfigure(o => o.Instance ??= InstanceName(configuration))
            .Validate(o => !o.Validate().Any(), "Events options are invalid: check Events:Topic, PubSub, BufferSize, MaxPublishAttempts, RetryDelay and Instance.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new EventFeed(sp.GetRequiredService<IOptions<EventsOptions>>().Value.BufferSize));
        services.AddSingleton<IntegrationEvents>();
        services.AddSingleton<CloudEventForwarder>();
        services.AddHostedService(sp => sp.GetRequiredService<CloudEventForwarder>());
        return services;
    }

    private static string InstanceName(IConfiguration configuration) =>
        configuration["Node:Name"] is { Length: > 0 } node ? node
        : Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod
        : Environment.MachineName;
}
