using IronLb.Core.Messaging;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>A publisher and consumer groups, the same shape on every transport.</summary>
/// <remarks>
/// "workers" is one group of two members (replicas of ipam or election, which compete);
/// "agent-0" and "agent-1" are one member each (node agents with a per-pod consumer ID, which
/// must all see every event).
/// </remarks>
public interface IMessagingCluster
{
    IEventPublisher Publisher { get; }

    DeliveryLog Log { get; }
}

/// <summary>The contract cluster's members and subscriptions.</summary>
public static class ClusterLayout
{
    public const string Workers = "workers";

    public static readonly IReadOnlyList<(string Group, string Member)> Members =
        [(Workers, "workers-0"), (Workers, "workers-1"), ("agent-0", "agent-0"), ("agent-1", "agent-1")];

    public static IEnumerable<string> Groups => Members.Select(m => m.Group).Distinct();

    /// <summary>Each test owns its topics, so tests sharing one cluster cannot see each other's events.</summary>
    public static class Topics
    {
        public const string Broadcast = "contract.broadcast";
        public const string Compete = "contract.compete";
        public const string Retry = "contract.retry";
        public const string Throw = "contract.throw";
        public const string Drop = "contract.drop";
        public const string DropDeadLetter = "contract.drop.dlq";
        public const string Exhaust = "contract.exhaust";
        public const string ExhaustDeadLetter = "contract.exhaust.dlq";
    }

    public static readonly IReadOnlyList<(string Topic, string? DeadLetterTopic)> Subscriptions =
    [
        (Topics.Broadcast, null),
        (Topics.Compete, null),
        (Topics.Retry, null),
        (Topics.Throw, null),
        (Topics.Drop, Topics.DropDeadLetter),
        (Topics.DropDeadLetter, null),
        (Topics.Exhaust, Topics.ExhaustDeadLetter),
        (Topics.ExhaustDeadLetter, null),
    ];

    public static IEnumerable<string> MembersOf(string group) => Members.Where(m => m.Group == group).Select(m => m.Member);
}

/// <summary>Which member of which consumer group a handler runs in.</summary>
public sealed record MemberIdentity(string Group, string Member);

/// <summary>The handler every member runs: records each delivery and answers by the rules of the topic's test.</summary>
public sealed class ScriptedHandler(DeliveryLog log, MemberIdentity identity) : ITopicHandler
{
    private readonly string group = identity.Group;
    private readonly string member = identity.Member;

    private static readonly TimeSpan CompeteBarrier = TimeSpan.FromSeconds(10);

    public async Task<DeliveryResult> HandleAsync(EventEnvelope envelope, CancellationToken cancellationToken)
    {
        var delivery = log.Record(group, member, envelope.Topic, envelope.Id, envelope.Source, envelope.Data.ToArray());
        switch (envelope.Topic)
        {
            case ClusterLayout.Topics.Retry:
                return delivery.Attempt == 1 ? DeliveryResult.Retry : DeliveryResult.Success;
            case ClusterLayout.Topics.Throw when delivery.Attempt == 1:
                throw new InvalidOperationException("first delivery fails on purpose");
            case ClusterLayout.Topics.Drop:
                return DeliveryResult.Drop;
            case ClusterLayout.Topics.Exhaust:
                return DeliveryResult.Retry;
            case ClusterLayout.Topics.Compete:
                // Hold each delivery until every member of the group has had one: if the group did
                // not share its events out, this member would hold them all and the others none.
                var members = ClusterLayout.MembersOf(group).ToHashSet();
                try
                {
                    await log.WaitAsync(
                        envelope.Topic,
                        seen => members.IsSubsetOf(seen.Where(d => d.Group == group).Select(d => d.Member)),
                        CompeteBarrier,
                        "a delivery to every member");
                }
                catch (TimeoutException)
                {
                    // Answer anyway; the test's assertion reports the unshared load.
                }

                return DeliveryResult.Success;
            default:
                return DeliveryResult.Success;
        }
    }
}
