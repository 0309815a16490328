using IronLb.Core.Events;
using IronLb.Core.SharedConfiguration;
using IronLb.Ipam.Configuration;
using IronLb.Ipam.Kubernetes;
using IronLb.Ipam.Planning;
using IronLb.Ipam.Reconciliation;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IronLb.Ipam;

/// <summary>Registers the ipam service; the standalone service and the single-host program both call it.</summary>
public static class IpamRegistration
{
    internal const string Component = "ipam";

    /// <summary>The readiness gate of the configuration source: open once a valid configuration was stored.</summary>
    internal const string ConfigurationComponent = "ipam-config";

    /// <summary>Adds the configuration source (a manifests folder, or the Kubernetes API when Ipam:Kubernetes:Enabled), allocation and intent writing, and ipam's /status parts.</summary>
    public static IHostApplicationBuilder AddIpam(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<IpamOptions>()
            .Bind(builder.Configuration.GetSection("Ipam"))
            .Validate(o => o.ConfigPollInterval > TimeSpan.Zero && o.ResyncInterval > TimeSpan.Zero, "Ipam:ConfigPollInterval and Ipam:ResyncInterval must be positive")
            .Validate(o => o.ConfigDirectory is null || Directory.Exists(o.ConfigDirectory), "Ipam:ConfigDirectory must be an existing folder")
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IpamOptions>, KubernetesOptionsValidation>();
        builder.Services.AddOptions<AllocationOptions>()
            .Bind(builder.Configuration.GetSection("Ipam"))
            .Validate(o => o.MaxWriteAttempts > 0, "Ipam:MaxWriteAttempts must be positive")
            .ValidateOnStart();
        builder.Services.AddSharedConfiguration();
        builder.Services.AddIntegrationEvents(builder.Configuration);
        builder.Services.AddStatusContributor<ConfigurationSourceStatus>();
        builder.Services.AddSingleton<ConfigurationIntake>();
        if (KubernetesRegistration.IsEnabled(builder.Configuration))
        {
            builder.Services.AddKubernetesSource();
        }
        else
        {
            builder.Services.AddSingleton<ManifestFolderSource>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ManifestFolderSource>());
        }

        builder.Services.AddSingleton<IpamReconciler>();
        builder.Services.AddStatusContributor<IpamStatus>();
        builder.Services.AddMetrics();
        builder.Services.AddHostedService<IpamMetrics>();
        builder.Services.AddSingleton<IpamWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IpamWorker>());
        builder.Services.AddReadinessGate(Component);
        builder.Services.AddReadinessGate(ConfigurationComponent);
        return builder;
    }
}
