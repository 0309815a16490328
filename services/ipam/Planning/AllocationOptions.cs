namespace IronLb.Ipam.Planning;

/// <summary>Tunables of address allocation.</summary>
public sealed class AllocationOptions
{
    /// <summary>
    /// The spec.loadBalancerClass this installation serves. Default null: only Services that name no class,
    /// as MetalLB does unless started with --lb-class.
    /// </summary>
    public string? LoadBalancerClass { get; set; }

    /// <summary>Compare-and-swap rounds one reconcile may lose to other replicas before giving up. Default 64.</summary>
    public int MaxWriteAttempts { get; set; } = 64;
}
