namespace IronLb.Core.Contracts;

/// <summary>The pub/sub topics the services talk over. Every event is a doorbell: read the state it names.</summary>
public static class Topics
{
    /// <summary>A new validated configuration is in <see cref="StateKeys.Config"/>.</summary>
    public const string ConfigChanged = "config-changed";

    /// <summary>Announcement intents changed; <see cref="StateChanged.Shards"/> names the shards (<see cref="StateKeys.IntentShard"/>).</summary>
    public const string IntentsChanged = "intents-changed";

    /// <summary>The Layer 2 owners in <see cref="StateKeys.Owners"/> changed.</summary>
    public const string OwnersChanged = "owners-changed";

    /// <summary>A node agent is stopping cleanly (its heartbeat in <see cref="StateKeys.Heartbeat"/> says Leaving): elect now.</summary>
    public const string NodeLeaving = "node-leaving";

    /// <summary>The dead-letter topic of <paramref name="topic"/>.</summary>
    public static string DeadLetter(string topic) => topic + "-dlq";
}

/// <summary>The keys of the shared state store.</summary>
public static class StateKeys
{
    /// <summary>The current validated configuration, with its version.</summary>
    public const string Config = "config";

    /// <summary>The announcement intents of the Services in one of the <see cref="IntentShards.Count"/> shards (<see cref="IntentSet"/>).</summary>
    public static string IntentShard(int shard) => IntentShards.Key(shard);

    /// <summary>The owner node of every Layer 2 address (<see cref="OwnerSet"/>).</summary>
    public const string Owners = "owners";

    /// <summary>The election lease: which election replica is active (<see cref="LeaseRecord"/>).</summary>
    public const string ElectionLease = "election/lease";

    /// <summary>One node agent's liveness record (<see cref="NodeHeartbeat"/>).</summary>
    public static string Heartbeat(string node) => "heartbeat/" + node;
}
