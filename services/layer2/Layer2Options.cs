namespace IronLb.Layer2;

/// <summary>Tunables of the layer2 agent, bound from the "Layer2" configuration section.</summary>
public sealed class Layer2Options
{
    /// <summary>
    /// False computes and reports ownership without sending or answering anything on the network
    /// (`ironlb run --dry-run`); the announcer then needs no CAP_NET_RAW. Default: true.
    /// </summary>
    public bool Announce { get; set; } = true;

    /// <summary>How often this node's heartbeat is written. Default: 1 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a heartbeat keeps the node alive for election. Default: 3 s.</summary>
    public TimeSpan HeartbeatValidFor { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How much sooner than election would, this agent stops answering when it cannot write its heartbeat.
    /// Fencing: it must fall silent before another node may take its addresses over. Default: 1 s.
    /// </summary>
    public TimeSpan FenceMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the owners are re-read even without an event. Default: 5 s.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(5);
}
