using IronLb.Core.Contracts;
using IronLb.Core.Messaging;

namespace IronLb.Election.Election;

/// <summary>"Intents changed" only asks for an election pass; the pass reads the shards it names from the state store.</summary>
internal sealed class IntentsDoorbell(ElectionWorker worker) : ITopicHandler
{
    public Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        worker.IntentsChanged(StateChangedReader.ShardsOf(envelope.Data.Span));
        return Task.FromResult(DeliveryResult.Success);
    }
}

/// <summary>"Node leaving" asks for an election pass now: the leaving node's heartbeat already says so.</summary>
internal sealed class NodeLeavingDoorbell(ElectionWorker worker) : ITopicHandler
{
    public Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        worker.Ring();
        return Task.FromResult(DeliveryResult.Success);
    }
}
