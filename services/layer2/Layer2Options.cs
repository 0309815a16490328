namespace IronLb.Layer2;

/// <summary>Tunables of the layer2 agent, bound from the "Layer2" configuration section. Failover timing is in
/// <see cref="IronLb.Core.Failover.FailoverOptions"/>.</summary>
public sealed class Layer2Options
{
    /// <summary>
    /// False computes and reports ownership without sending or answering anything on the network
    /// (`ironlb run --dry-run`); the announcer then needs no CAP_NET_RAW. Default: true.
    /// </summary>
    public bool Announce { get; set; } = true;

    /// <summary>How often the owners are re-read even without an event. Default: 5 s.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(5);
}
