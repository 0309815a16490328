using IronLb.Ipam.Reconciliation;

namespace IronLb.Ipam.Kubernetes;

/// <summary>Registers Kubernetes mode: the API as the configuration source; Service and IPAddressPool status, MetalLB's status objects and Events written back.</summary>
internal static class KubernetesRegistration
{
    /// <summary>True when "Ipam:Kubernetes:Enabled" asks for Kubernetes mode.</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetSection("Ipam:Kubernetes").GetValue<bool>(nameof(KubernetesSourceOptions.Enabled));

    public static IServiceCollection AddKubernetesSource(this IServiceCollection services)
    {
        services.AddSingleton<KubernetesApi>();
        services.AddSingleton<ClusterObjectCache>();
        services.AddSingleton<ResourceWatcher>();
        services.AddSingleton<KubernetesConfigurationSource>();
        services.AddHostedService(sp => sp.GetRequiredService<KubernetesConfigurationSource>());
        services.AddSingleton<IStatusWriter, ServiceStatusWriter>();
        services.AddSingleton<IStatusWriter, PoolStatusWriter>();
        services.AddSingleton<ConfigurationVerdict>();
        services.AddSingleton<AnnouncementStatusWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AnnouncementStatusWriter>());
        return services;
    }
}
