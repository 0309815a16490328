using Microsoft.Extensions.Options;

namespace IronLb.Core.Failover;

/// <summary>Rejects failover timings that would let two nodes answer at once or fail nodes over for no reason.</summary>
public sealed class FailoverOptionsValidator : IValidateOptions<FailoverOptions>
{
    public ValidateOptionsResult Validate(string? name, FailoverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Check(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<string> Check(FailoverOptions o)
    {
        foreach (var (value, field) in new[]
                 {
                     (o.HeartbeatInterval, nameof(o.HeartbeatInterval)), (o.HeartbeatTimeout, nameof(o.HeartbeatTimeout)),
                     (o.FenceMargin, nameof(o.FenceMargin)), (o.ObserveInterval, nameof(o.ObserveInterval)),
                     (o.BeaconInterval, nameof(o.BeaconInterval)), (o.BeaconHold, nameof(o.BeaconHold)),
                     (o.PeerSilence, nameof(o.PeerSilence)), (o.LonelyAfter, nameof(o.LonelyAfter)),
                     (o.LeaseDuration, nameof(o.LeaseDuration)), (o.LeaseRenewInterval, nameof(o.LeaseRenewInterval)),
                 })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromMinutes(5))
            {
                yield return $"Failover:{field} must be positive and at most 5 minutes, not {value}";
            }
        }

        // One late heartbeat must not look like a death: at least three must fit in the timeout.
        if (o.HeartbeatInterval * 3 > o.HeartbeatTimeout)
        {
            yield return $"Failover:HeartbeatTimeout ({o.HeartbeatTimeout}) must be at least three Failover:HeartbeatInterval ({o.HeartbeatInterval}), or one slow write fails a node over";
        }

        if (o.FenceMargin >= o.HeartbeatTimeout - o.HeartbeatInterval)
        {
            yield return $"Failover:FenceMargin ({o.FenceMargin}) must be shorter than Failover:HeartbeatTimeout minus Failover:HeartbeatInterval, or the store fence never opens";
        }

        if (o.ObserveInterval > o.HeartbeatInterval)
        {
            yield return $"Failover:ObserveInterval ({o.ObserveInterval}) must be at most Failover:HeartbeatInterval ({o.HeartbeatInterval}), or election misses heartbeats";
        }

        // Fencing on the LAN: an owner falls silent (BeaconHold after its last beacon, LonelyAfter after it last heard
        // anyone) before a new owner, waiting PeerSilence after the last beacon it heard, may start.
        if (o.BeaconInterval * 2 > o.BeaconHold)
        {
            yield return $"Failover:BeaconHold ({o.BeaconHold}) must be at least two Failover:BeaconInterval ({o.BeaconInterval}), or a late beacon silences the owner";
        }

        if (o.BeaconHold >= o.PeerSilence)
        {
            yield return $"Failover:BeaconHold ({o.BeaconHold}) must be shorter than Failover:PeerSilence ({o.PeerSilence}), or a stalled owner and its successor answer at once";
        }

        if (o.LonelyAfter >= o.PeerSilence)
        {
            yield return $"Failover:LonelyAfter ({o.LonelyAfter}) must be shorter than Failover:PeerSilence ({o.PeerSilence}), or an owner cut off from the LAN answers beside its successor when the link returns";
        }

        if (o.BeaconInterval * 2 > o.LonelyAfter)
        {
            yield return $"Failover:LonelyAfter ({o.LonelyAfter}) must be at least two Failover:BeaconInterval ({o.BeaconInterval})";
        }

        if (o.LeaseRenewInterval * 3 > o.LeaseDuration)
        {
            yield return $"Failover:LeaseDuration ({o.LeaseDuration}) must be at least three Failover:LeaseRenewInterval ({o.LeaseRenewInterval})";
        }
    }
}
