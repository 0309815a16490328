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
}
