using IronLb.Core.Contracts;
using IronLb.Core.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IronLb.Core.SharedConfiguration;

/// <summary>Registers the shared configuration: every service follows it; ipam also writes it.</summary>
public static class SharedConfigurationRegistration
{
    /// <summary>Adds <see cref="CurrentConfiguration"/>, kept current from the state store. Safe to call more than once.</summary>
    public static IServiceCollection AddSharedConfiguration(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(CurrentConfiguration)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CurrentConfiguration>();
        services.AddSingleton<ConfigurationState>();
        services.AddTopicSubscription<ConfigurationFollower>(Topics.ConfigChanged, Topics.DeadLetter(Topics.ConfigChanged));
        services.AddHostedService(sp => sp.GetRequiredService<ConfigurationFollower>());
        return services;
    }
}
