using IronLb.Core.SharedConfiguration;
using IronLb.Ipam.Configuration;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IronLb.Ipam;

/// <summary>Registers the ipam service; the standalone service and the single-host program both call it.</summary>
public static class IpamRegistration
{
    internal const string Component = "ipam";

    /// <summary>Adds the configuration source, allocation and intent writing, and ipam's /status parts.</summary>
    public static IHostApplicationBuilder AddIpam(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<IpamOptions>()
            .Bind(builder.Configuration.GetSection("Ipam"))
            .Validate(o => o.ConfigPollInterval > TimeSpan.Zero, "Ipam:ConfigPollInterval must be positive")
            .Validate(o => o.ConfigDirectory is null || Directory.Exists(o.ConfigDirectory), "Ipam:ConfigDirectory must be an existing folder")
            .ValidateOnStart();
        builder.Services.AddSharedConfiguration();
        builder.Services.AddStatusContributor<ConfigurationSourceStatus>();
        builder.Services.AddSingleton<ManifestFolderSource>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ManifestFolderSource>());
        builder.Services.AddReadinessGate(Component);
        return builder;
    }
}
