using System.ComponentModel.DataAnnotations;

namespace IronLb.Election;

/// <summary>Tunables of the election service, bound from the "Election" configuration section. Failover timing
/// (heartbeat timeout, lease) is in <see cref="IronLb.Core.Failover.FailoverOptions"/>.</summary>
public sealed class ElectionOptions
{
    /// <summary>This replica's name in the lease. Default: host name and process id.</summary>
    [Required]
    public string ReplicaId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>How often the intents are re-read even without "intents changed" (events can be lost). Default: 5 s.</summary>
    public TimeSpan IntentsResyncInterval { get; set; } = TimeSpan.FromSeconds(5);
}
