using IronLb.Core.Messaging;

namespace IronLb.Layer2.Ownership;

/// <summary>"Owners changed" asks the agent to re-read the owners from the state store.</summary>
internal sealed class OwnersDoorbell(Layer2Agent agent) : ITopicHandler
{
    public Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        agent.Ring();
        return Task.FromResult(DeliveryResult.Success);
    }
}
