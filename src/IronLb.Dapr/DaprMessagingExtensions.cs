using System.Net;
using Dapr;
using IronLb.Core.Messaging;
using IronLb.Core.SharedConfiguration;
using IronLb.Core.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IronLb.Dapr;

/// <summary>Wires the Dapr mode: state and publishing through the sidecar, subscriptions served to it.</summary>
public static partial class DaprMessagingExtensions
{
    /// <summary>
    /// Registers <see cref="IStateStore"/>, <see cref="IEventPublisher"/>, <see cref="IPeerPasswordSource"/> (the Dapr secrets API)
    /// and a DaprClient configured from section "Dapr", and waits for the sidecar at start.
    /// </summary>
    public static IServiceCollection AddDaprMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<DaprMessagingOptions>()
            .Bind(configuration.GetSection(DaprMessagingOptions.SectionName))
            .PostConfigure(o => o.AppApiToken ??= Environment.GetEnvironmentVariable("APP_API_TOKEN"))
            .Validate(o => !o.Validate().Any(), "Dapr options are invalid: check the component names, SidecarWaitTimeout and endpoints.")
            .ValidateOnStart();

        // DaprClientBuilder reads DAPR_API_TOKEN and the endpoint variables itself; explicit values
        // in configuration win, which lets one process talk to several sidecars (tests, labs).
        services.AddDaprClient((sp, builder) =>
        {
            var options = sp.GetRequiredService<IOptions<DaprMessagingOptions>>().Value;
            if (options.GrpcEndpoint is { } grpc)
            {
                builder.UseGrpcEndpoint(grpc);
            }

            if (options.HttpEndpoint is { } http)
            {
                builder.UseHttpEndpoint(http);
            }

            if (options.DaprApiToken is { } token)
            {
                builder.UseDaprApiToken(token);
            }
        });

        services.AddOptions<DaprSecretOptions>()
            .Bind(configuration.GetSection(DaprMessagingOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.SecretStoreName), "Dapr:SecretStoreName must not be empty.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPeerPasswordSource, DaprPeerPasswordSource>();
        services.AddSingleton<IStateStore, DaprStateStore>();
        services.AddSingleton<IEventPublisher, DaprEventPublisher>();
        services.AddDaprEventTransport();
        services.AddHostedService<SidecarReadinessService>();
        return services;
    }

    /// <summary>Serves every declared <see cref="TopicSubscription"/> to the sidecar: /dapr/subscribe and one POST route per topic.</summary>
    public static WebApplication MapDaprSubscriptions(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<DaprMessagingOptions>>().Value;
        if (!string.IsNullOrEmpty(options.AppApiToken))
        {
            app.UseMiddleware<AppApiTokenMiddleware>(options.AppApiToken);
        }
        else
        {
            app.Lifetime.ApplicationStarted.Register(() => WarnIfOpen(app));
        }

        // No UseCloudEvents: DaprSubscriptionEndpoints reads the envelope itself, with a size and depth limit.
        app.MapSubscribeHandler();

        var subscriptions = app.Services.GetServices<TopicSubscription>().ToList();
        var duplicate = subscriptions.GroupBy(s => s.Topic, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            // Dapr routes each topic of a component to one path per app; a second handler would never be called.
            throw new InvalidOperationException($"Topic '{duplicate.Key}' has {duplicate.Count()} subscriptions; a Dapr app serves one per topic.");
        }

        foreach (var subscription in subscriptions)
        {
            app.MapPost(DaprSubscriptionEndpoints.RouteFor(subscription), (HttpContext context) => DaprSubscriptionEndpoints.HandleAsync(context, subscription))
                .WithTopic(new TopicOptions
                {
                    PubsubName = options.PubSubName,
                    Name = subscription.Topic,
                    DeadLetterTopic = subscription.DeadLetterTopic,
                });
        }

        return app;
    }

    // Without a token anyone who reaches the app port can post events and read /status: fine on loopback beside the
    // sidecar, worth a warning anywhere else.
    private static void WarnIfOpen(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            var host = Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.Host.Trim('[', ']') : string.Empty;
            if (host != "localhost" && !(IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip)))
            {
                LogOpenWithoutToken(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DaprMessagingExtensions)), address);
            }
        }
    }

    [LoggerMessage(EventId = 1321, Level = LogLevel.Warning, Message = "The app listens on {Address} beyond loopback and no APP_API_TOKEN is set: anyone who reaches it can post events and read /status")]
    private static partial void LogOpenWithoutToken(ILogger logger, string address);
}
