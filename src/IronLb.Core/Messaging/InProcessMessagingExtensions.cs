using IronLb.Core.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronLb.Core.Messaging;

/// <summary>Wires the single-process mode: a file-backed state store and an in-memory bus.</summary>
public static class InProcessMessagingExtensions
{
    /// <summary>Registers <see cref="IStateStore"/> (files in <paramref name="stateDirectory"/>), <see cref="IEventPublisher"/> and the subscriptions host.</summary>
    public static IServiceCollection AddInProcessMessaging(
        this IServiceCollection services, string stateDirectory, Action<InProcessMessagingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);

        var options = services.AddOptions<InProcessMessagingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => !o.Validate().Any(), "InProcessMessagingOptions are invalid: check delivery attempts, retry delays and queue capacity.")
            .ValidateOnStart();

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IStateStore>(sp => FileStateStore.Open(stateDirectory, sp.GetService<ILogger<FileStateStore>>()));
        services.AddSingleton<InProcessBroker>();
        services.AddSingleton<IEventPublisher, InProcessEventPublisher>();
        services.AddHostedService<InProcessSubscriptionService>();
        return services;
    }
}
