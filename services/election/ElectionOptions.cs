using System.ComponentModel.DataAnnotations;

namespace IronLb.Election;

/// <summary>Tunables of the election service, bound from the "Election" configuration section.</summary>
public sealed class ElectionOptions
{
    /// <summary>This replica's name in the lease. Default: host name and process id.</summary>
    [Required]
    public string ReplicaId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>How long the active replica's lease holds without renewal. Default: 6 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How often owners are recomputed even without an event (liveness changes raise none). Default: 500 ms.</summary>
    public TimeSpan Tick { get; set; } = TimeSpan.FromMilliseconds(500);
}
