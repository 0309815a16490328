using IronLb.Bgp.Announcements;
using IronLb.Core.Contracts;
using IronLb.Core.Events;
using IronLb.Core.Messaging;
using IronLb.Core.SharedConfiguration;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IronLb.Bgp;

/// <summary>Registers the bgp agent; the standalone service and the single-host program both call it.</summary>
public static class BgpRegistration
{
    internal const string Component = "bgp";

    /// <summary>Adds the intents follower and the bgp /status part.</summary>
    public static IHostApplicationBuilder AddBgp(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<NodeOptions>().Bind(builder.Configuration.GetSection("Node"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Name), "Node:Name must be set").ValidateOnStart();
        builder.Services.AddOptions<BgpOptions>()
            .Bind(builder.Configuration.GetSection("Bgp"))
            .Validate(o => o.ResyncInterval > TimeSpan.Zero, "Bgp:ResyncInterval must be positive")
            .Validate(o => o.ListenPort is >= 0 and <= 65535, "Bgp:ListenPort must be 0..65535")
            .Validate(o => o.PasswordRefreshInterval > TimeSpan.Zero, "Bgp:PasswordRefreshInterval must be positive")
            .ValidateOnStart();
        builder.Services.AddSharedConfiguration();
        builder.Services.AddIntegrationEvents(builder.Configuration);
        builder.Services.AddSingleton<BgpEventEmitter>();
        builder.Services.AddStatusContributor<BgpStatus>();
        builder.Services.AddNodeReporter<BgpReport>();
        builder.Services.AddMetrics();
        builder.Services.AddHostedService<BgpMetrics>();

        // Registered before the agent so that, stopping in reverse order, the agent stops feeding it first.
        if (builder.Configuration.GetSection("Bgp").GetValue("Announce", defaultValue: true))
        {
            builder.Services.AddStatusContributor<BgpSpeakerHost>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<BgpSpeakerHost>());
        }

        builder.Services.AddSingleton<BgpAgent>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BgpAgent>());
        builder.Services.AddTopicSubscription<IntentsDoorbell>(Topics.IntentsChanged, Topics.DeadLetter(Topics.IntentsChanged));
        builder.Services.AddReadinessGate(Component);
        return builder;
    }
}
