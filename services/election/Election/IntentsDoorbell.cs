using IronLb.Core.Messaging;

namespace IronLb.Election.Election;

/// <summary>"Intents changed" only asks for an election pass; the pass reads the intents from the state store.</summary>
internal sealed class IntentsDoorbell(ElectionWorker worker) : ITopicHandler
{
    public Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        worker.Ring();
        return Task.FromResult(DeliveryResult.Success);
    }
}
