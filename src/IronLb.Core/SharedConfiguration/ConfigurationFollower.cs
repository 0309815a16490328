using IronLb.Core.Contracts;
using IronLb.Core.Messaging;
using Microsoft.Extensions.Hosting;

namespace IronLb.Core.SharedConfiguration;

/// <summary>Keeps <see cref="CurrentConfiguration"/> equal to the stored document: at start, and on every "config changed".</summary>
/// <remarks>State is truth, the event a doorbell: the handler reads the store, so a stale or repeated event is harmless.</remarks>
public sealed class ConfigurationFollower(ConfigurationState state, CurrentConfiguration current) : ITopicHandler, IHostedService
{
    public async Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var announced = ContractJson.Deserialize<StateChanged>(envelope.Data.Span);
        if (announced is null)
        {
            return DeliveryResult.Drop;
        }

        if (current.Document is { } applied && applied.Version >= announced.Version)
        {
            return DeliveryResult.Success;
        }

        var stored = await state.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (stored is null || stored.Version < announced.Version)
        {
            // The store does not show the announced version yet (a replica lagging behind): ask for redelivery.
            return DeliveryResult.Retry;
        }

        current.TryApply(stored);
        return DeliveryResult.Success;
    }

    /// <summary>Reconciles from the store before any event arrives.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await state.ReadAsync(cancellationToken).ConfigureAwait(false) is { } stored)
        {
            current.TryApply(stored);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
