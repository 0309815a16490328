namespace IronLb.Core.Failover;

/// <summary>
/// The whole Layer 2 failover timing budget, bound from the "Failover" configuration section and shared by election
/// and every layer2 agent (environment: <c>Failover__HeartbeatTimeout=00:00:00.250</c> and so on).
/// </summary>
/// <remarks>
/// Two clocks are never compared: election judges a heartbeat's age on its own clock from when it saw the heartbeat
/// change, and a layer2 agent judges its fence and the LAN hand-over on its own monotonic clock. The defaults give a
/// takeover in about <see cref="HeartbeatTimeout"/> plus one store round trip after an owner dies.
/// <see cref="FailoverOptionsValidator"/> rejects combinations that would break fencing or cause false failovers.
/// </remarks>
public sealed class FailoverOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "Failover";

    /// <summary>How often a layer2 agent writes its heartbeat to the state store. Default: 50 ms.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long after election last saw a node's heartbeat change it declares the node dead and moves its addresses.
    /// Also the longest a heartbeat write may take before the agent gives it up. Default: 200 ms.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How much sooner than <see cref="HeartbeatTimeout"/>, counted from when it sent its last acknowledged heartbeat,
    /// an agent stops counting on the store to vouch for it. Default: 50 ms.
    /// </summary>
    public TimeSpan FenceMargin { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often election reads the heartbeats; a node's death is detected at its deadline, at most this late. Default: 25 ms.</summary>
    public TimeSpan ObserveInterval { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>How often every layer2 agent tells the LAN which addresses it answers for and which it is taking over. Default: 50 ms.</summary>
    public TimeSpan BeaconInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// An owner answers only while its own last beacon went out less than this long ago: after a stall (GC, the
    /// scheduler, SIGSTOP) it answers nothing until it has taken its addresses over again. Default: 150 ms.
    /// </summary>
    public TimeSpan BeaconHold { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// A new owner starts answering only once, for this long, it has heard no other node announce the address
    /// (the previous owner's beacons stopped or it yielded). Longer than <see cref="BeaconHold"/>. Default: 200 ms.
    /// </summary>
    public TimeSpan PeerSilence { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// An owner that for this long has heard no other node on the LAN and whose store fence is closed is cut off:
    /// it stops answering and must take its addresses over again once it hears the LAN. Default: 150 ms.
    /// </summary>
    public TimeSpan LonelyAfter { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>How long a standby election replica waits, after it last saw the active replica renew, before it takes over. Default: 600 ms.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMilliseconds(600);

    /// <summary>How often the active election replica renews its lease. Default: 150 ms.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromMilliseconds(150);
}
