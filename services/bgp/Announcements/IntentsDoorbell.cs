using IronLb.Core.Contracts;
using IronLb.Core.Messaging;

namespace IronLb.Bgp.Announcements;

/// <summary>"Intents changed" asks the agent to re-read the intents shards it names (all of them when it names none) from the state store.</summary>
internal sealed class IntentsDoorbell(BgpAgent agent) : ITopicHandler
{
    public Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        agent.Ring(StateChangedReader.ShardsOf(envelope.Data.Span));
        return Task.FromResult(DeliveryResult.Success);
    }
}
