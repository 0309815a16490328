using IronLb.Core.Contracts;
using IronLb.Core.Messaging;
using IronLb.Core.SharedConfiguration;
using IronLb.Layer2.Announcing;
using IronLb.Layer2.Ownership;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IronLb.Layer2;

/// <summary>Registers the layer2 agent; the standalone service and the single-host program both call it.</summary>
public static class Layer2Registration
{
    internal const string Component = "layer2";

    /// <summary>Adds the heartbeat, the owners follower with its fence, and the layer2 /status part.</summary>
    public static IHostApplicationBuilder AddLayer2(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<NodeOptions>().Bind(builder.Configuration.GetSection("Node"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Name), "Node:Name must be set").ValidateOnStart();
        builder.Services.AddOptions<Layer2Options>()
            .Bind(builder.Configuration.GetSection("Layer2"))
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.HeartbeatInterval < o.HeartbeatValidFor,
                "Layer2:HeartbeatInterval must be positive and shorter than Layer2:HeartbeatValidFor")
            .Validate(o => o.FenceMargin >= TimeSpan.Zero && o.FenceMargin < o.HeartbeatValidFor - o.HeartbeatInterval,
                "Layer2:FenceMargin must leave room for at least one heartbeat interval")
            .ValidateOnStart();
        builder.Services.AddSharedConfiguration();
        builder.Services.AddSingleton<LivenessFence>();

        // Registered before the agent so that, stopping in reverse order, the agent stops feeding it first.
        if (builder.Configuration.GetSection("Layer2").GetValue("Announce", defaultValue: true))
        {
            builder.Services.AddLayer2Announcer(builder.Configuration.GetSection("Layer2"));
        }

        builder.Services.AddStatusContributor<Layer2Status>();
        builder.Services.AddSingleton<Layer2Agent>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Layer2Agent>());
        builder.Services.AddTopicSubscription<OwnersDoorbell>(Topics.OwnersChanged, Topics.DeadLetter(Topics.OwnersChanged));
        builder.Services.AddReadinessGate(Component);
        return builder;
    }
}
