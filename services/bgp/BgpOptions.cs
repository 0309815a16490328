namespace IronLb.Bgp;

/// <summary>Tunables of the bgp agent, bound from the "Bgp" configuration section.</summary>
public sealed class BgpOptions
{
    /// <summary>How often the intents are re-read even without an event. Default: 5 s.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(5);
}
