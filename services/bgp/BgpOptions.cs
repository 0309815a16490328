namespace IronLb.Bgp;

/// <summary>Tunables of the bgp agent, bound from the "Bgp" configuration section.</summary>
public sealed class BgpOptions
{
    /// <summary>
    /// False computes and reports announcements without opening BGP sessions (`ironlb run --dry-run`). Default: true.
    /// </summary>
    public bool Announce { get; set; } = true;

    /// <summary>TCP port on which peers may connect to this speaker; 0 opens sessions actively only. Default: 179.</summary>
    public int ListenPort { get; set; } = 179;

    /// <summary>How often the intents are re-read even without an event. Default: 5 s.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Node-local folder of the graceful restart marker, NODE.running (environment: Bgp__StateDirectory). The marker
    /// exists while BGPPeers with enableGracefulRestart are served and a clean stop (SIGTERM) removes it; found at start,
    /// it means the previous process crashed or was killed, and sessions within the restart time open with the Restart
    /// State bit and re-send their routes before End-of-RIB (RFC 4724), so the routers never drop them. In Kubernetes,
    /// mount a hostPath here so that it outlives the container. Empty turns it off. Default: /var/lib/ironlb/bgp.
    /// </summary>
    public string StateDirectory { get; set; } = "/var/lib/ironlb/bgp";

    /// <summary>
    /// How often BGP passwords are read again from the secret store, so that a changed Secret reaches its session
    /// (the shared configuration names the Secret, not the password). Default: 30 s.
    /// </summary>
    public TimeSpan PasswordRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
