using IronLb.Core.Messaging;

namespace IronLb.Bgp.Announcements;

/// <summary>"Intents changed" asks the agent to re-read the intents from the state store.</summary>
internal sealed class IntentsDoorbell(BgpAgent agent) : ITopicHandler
{
    public Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        agent.Ring();
        return Task.FromResult(DeliveryResult.Success);
    }
}
