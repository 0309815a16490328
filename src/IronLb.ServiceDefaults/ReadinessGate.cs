using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IronLb.ServiceDefaults;

/// <summary>A component's readiness: closed until it has reconciled from the state store once.</summary>
public sealed class ReadinessGate(string component) : IHealthCheck
{
    private volatile bool _ready;

    /// <summary>The component this gate belongs to.</summary>
    public string Component { get; } = component;

    /// <summary>Opens the gate; /readyz passes once every gate is open.</summary>
    public void MarkReady() => _ready = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready
            ? HealthCheckResult.Healthy(Component + " ready")
            : HealthCheckResult.Unhealthy(Component + ": starting"));
}
