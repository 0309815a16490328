using IronLb.Core.Contracts;
using IronLb.Core.Events;
using IronLb.Core.Failover;
using IronLb.Core.Messaging;
using IronLb.Core.SharedConfiguration;
using IronLb.Election.Election;
using IronLb.Election.Lease;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IronLb.Election;

/// <summary>Registers the election service; the standalone service and the single-host program both call it.</summary>
public static class ElectionRegistration
{
    internal const string Component = "election";

    /// <summary>Adds the election worker, its lease, its subscription and its /status part.</summary>
    public static IHostApplicationBuilder AddElection(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<ElectionOptions>()
            .Bind(builder.Configuration.GetSection("Election"))
            .ValidateDataAnnotations()
            .Validate(o => o.IntentsResyncInterval > TimeSpan.Zero, "Election:IntentsResyncInterval must be positive")
            .ValidateOnStart();
        builder.Services.AddFailoverOptions(builder.Configuration);
        builder.Services.AddSharedConfiguration();
        builder.Services.AddIntegrationEvents(builder.Configuration);
        builder.Services.AddSingleton<ElectionLease>();
        builder.Services.AddSingleton<ElectionWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ElectionWorker>());
        builder.Services.AddTopicSubscription<IntentsDoorbell>(Topics.IntentsChanged, Topics.DeadLetter(Topics.IntentsChanged));
        builder.Services.AddTopicSubscription<NodeLeavingDoorbell>(Topics.NodeLeaving, Topics.DeadLetter(Topics.NodeLeaving));
        builder.Services.AddReadinessGate(Component);
        builder.Services.AddStatusContributor<ElectionStatus>();
        return builder;
    }
}
