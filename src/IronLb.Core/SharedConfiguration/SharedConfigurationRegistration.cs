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

    /// <summary>
    /// Keeps BGP passwords in this process's memory (<see cref="InMemoryPeerPasswords"/>): for the single-host process,
    /// where ipam hands them to bgp directly and nothing else may hold them. Call before the services register.
    /// </summary>
    public static IServiceCollection AddInMemoryPeerPasswords(this IServiceCollection services)
    {
        services.TryAddSingleton<InMemoryPeerPasswords>();
        services.TryAddSingleton<IPeerPasswordSink>(sp => sp.GetRequiredService<InMemoryPeerPasswords>());
        services.TryAddSingleton<IPeerPasswordSource>(sp => sp.GetRequiredService<InMemoryPeerPasswords>());
        return services;
    }
}
