using IronLb.Core.Contracts;
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
            .Validate(o => o.LeaseDuration > TimeSpan.Zero && o.Tick > TimeSpan.Zero && o.Tick * 2 <= o.LeaseDuration,
                "Election:Tick must be positive and at most half of Election:LeaseDuration")
            .ValidateOnStart();
        builder.Services.AddSharedConfiguration();
        builder.Services.AddSingleton<ElectionLease>();
        builder.Services.AddSingleton<ElectionWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ElectionWorker>());
        builder.Services.AddTopicSubscription<IntentsDoorbell>(Topics.IntentsChanged, Topics.DeadLetter(Topics.IntentsChanged));
        builder.Services.AddReadinessGate(Component);
        builder.Services.AddStatusContributor<ElectionStatus>();
        return builder;
    }
}
