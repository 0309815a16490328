using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IronLb.ServiceDefaults;

/// <summary>A component's readiness: false until it has reconciled from the state store once.</summary>
public sealed class ReadinessGate(string component) : IHealthCheck
{
    private volatile string? _notReadyReason = "starting";

    /// <summary>The component this gate belongs to.</summary>
    public string Component { get; } = component;

    /// <summary>True once <see cref="MarkReady"/> was called and not revoked since.</summary>
    public bool IsReady => _notReadyReason is null;

    public void MarkReady() => _notReadyReason = null;

    public void MarkNotReady(string reason) => _notReadyReason = reason;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var reason = _notReadyReason;
        return Task.FromResult(reason is null
            ? HealthCheckResult.Healthy(Component + " ready")
            : HealthCheckResult.Unhealthy(Component + ": " + reason));
    }
}
