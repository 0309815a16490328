using IronLb.Core.Contracts;

namespace IronLb.Ipam.Intents;

/// <summary>Splits resolved intents into their shards (<see cref="IntentShards"/>). Pure.</summary>
internal static class IntentShardPlan
{
    /// <summary>One list per shard, in shard order; each keeps the order of <paramref name="intents"/>.</summary>
    public static IReadOnlyList<AnnouncementIntent>[] Split(IEnumerable<AnnouncementIntent> intents)
    {
        ArgumentNullException.ThrowIfNull(intents);
        var shards = new List<AnnouncementIntent>[IntentShards.Count];
        for (var i = 0; i < shards.Length; i++)
        {
            shards[i] = [];
        }

        foreach (var intent in intents)
        {
            shards[IntentShards.Of(intent.Namespace, intent.Name)].Add(intent);
        }

        return shards;
    }
}
