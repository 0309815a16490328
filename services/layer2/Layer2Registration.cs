using IronLb.Core.Contracts;
using IronLb.Core.Failover;
using IronLb.Core.Messaging;
using IronLb.Core.SharedConfiguration;
using IronLb.Layer2.Announcing;
using IronLb.Layer2.Handoff;
using IronLb.Layer2.Ownership;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IronLb.Layer2;

/// <summary>Registers the layer2 agent; the standalone service and the single-host program both call it.</summary>
public static class Layer2Registration
{
    internal const string Component = "layer2";

    /// <summary>Adds the heartbeat, the owners follower, the LAN hand-over with its answering fence, and the layer2 /status part.</summary>
    public static IHostApplicationBuilder AddLayer2(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<NodeOptions>().Bind(builder.Configuration.GetSection("Node"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Name), "Node:Name must be set").ValidateOnStart();
        builder.Services.AddOptions<Layer2Options>()
            .Bind(builder.Configuration.GetSection("Layer2"))
            .Validate(o => o.ResyncInterval > TimeSpan.Zero, "Layer2:ResyncInterval must be positive")
            .ValidateOnStart();
        builder.Services.AddFailoverOptions(builder.Configuration);
        builder.Services.AddSharedConfiguration();

        // Registered before the agent so that, stopping in reverse order, the agent leaves (and the hand-over releases
        // on the LAN) while the announcer can still send.
        if (builder.Configuration.GetSection("Layer2").GetValue("Announce", defaultValue: true))
        {
            builder.Services.AddLayer2Announcer(builder.Configuration.GetSection("Layer2"));
            builder.Services.PostConfigure<Layer2AnnouncerOptions>(o => o.ListenOnAllInterfaces = true);
            builder.Services.AddHostedService<InterfaceExclusionFollower>();
            builder.Services.AddSingleton<AnswerGate>();
            builder.Services.AddSingleton<LanHandoff>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<LanHandoff>());
        }

        builder.Services.AddStatusContributor<Layer2Status>();
        builder.Services.AddNodeReporter<Layer2Report>();
        builder.Services.AddSingleton<Layer2Agent>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Layer2Agent>());
        builder.Services.AddTopicSubscription<OwnersDoorbell>(Topics.OwnersChanged, Topics.DeadLetter(Topics.OwnersChanged));
        builder.Services.AddReadinessGate(Component);
        return builder;
    }
}
