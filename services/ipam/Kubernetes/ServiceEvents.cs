using IronLb.Ipam.Planning;

namespace IronLb.Ipam.Kubernetes;

/// <summary>A core/v1 Event about a Service, as MetalLB's controller records them.</summary>
/// <param name="Type">"Normal" or "Warning".</param>
/// <param name="Reason">"IPAllocated" or "AllocationFailed".</param>
/// <param name="Message">What happened.</param>
internal sealed record ServiceEvent(string Type, string Reason, string Message);

/// <summary>Which Event a plan is worth, and whether it is news.</summary>
internal static class ServiceEvents
{
    public const string IpAllocated = "IPAllocated";
    public const string AllocationFailed = "AllocationFailed";

    /// <summary>The Event that describes <paramref name="plan"/>, or null when it says nothing (no address and no error).</summary>
    public static ServiceEvent? Describe(ServicePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Error is { } error)
        {
            return new ServiceEvent("Warning", AllocationFailed, error);
        }

        // MetalLB formats the list with Go's %q: ["192.0.2.1" "2001:db8::1"].
        return plan.Addresses.Count == 0
            ? null
            : new ServiceEvent("Normal", IpAllocated, "Assigned IP [" + string.Join(' ', plan.Addresses.Select(a => "\"" + a + "\"")) + "]");
    }

    /// <summary>
    /// True when <paramref name="next"/> should be recorded: it differs from the last one recorded for the Service, and
    /// it is a failure or the status really changed. A resync that changes nothing records nothing; after a restart
    /// (nothing recorded yet) a Service that already shows its addresses gets no second IPAllocated.
    /// </summary>
    public static bool IsNews(ServiceEvent? next, ServiceEvent? last, bool statusChanged) =>
        next is not null && next != last && (next.Reason == AllocationFailed || statusChanged);
}
