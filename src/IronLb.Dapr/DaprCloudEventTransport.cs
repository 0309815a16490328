using Dapr.Client;
using IronLb.Core.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IronLb.Dapr;

/// <summary>
/// <see cref="ICloudEventTransport"/> over Dapr pub/sub. The envelope is published with content type
/// application/cloudevents+json, which daprd passes through as the event (keeping id, source, type, subject, time and
/// data, adding topic, pubsubname and trace fields) instead of wrapping it in an envelope of its own.
/// </summary>
internal sealed class DaprCloudEventTransport(DaprClient client) : ICloudEventTransport
{
    public Task PublishAsync(string pubSub, string topic, ReadOnlyMemory<byte> cloudEvent, CancellationToken cancellationToken) =>
        client.PublishByteEventAsync(pubSub, topic, cloudEvent, CloudEventFormat.ContentType, cancellationToken: cancellationToken);
}

/// <summary>Registers the Dapr transport of the public event stream.</summary>
public static class DaprEventTransportRegistration
{
    /// <summary>Adds <see cref="ICloudEventTransport"/> through Dapr, and a DaprClient from the SDK's environment variables when none is registered.</summary>
    public static IServiceCollection AddDaprEventTransport(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(DaprClient)))
        {
            services.AddDaprClient();
        }

        services.TryAddSingleton<ICloudEventTransport, DaprCloudEventTransport>();
        return services;
    }
}
