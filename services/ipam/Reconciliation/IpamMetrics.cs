using System.Diagnostics.Metrics;
using IronLb.Ipam.Configuration;

namespace IronLb.Ipam.Reconciliation;

/// <summary>
/// The controller's metrics under MetalLB's names, types and labels, read at each scrape, on the "IronLb.Ipam" meter:
/// the allocator's per-pool counts (internal/allocator/stats.go) and the configuration gauges (internal/k8s/controllers).
/// </summary>
/// <remarks>
/// MetalLB's gauges count addresses as floats; an IPv6 pool's count is exported the same way, rounded where it exceeds
/// what a double holds exactly. "In use" counts addresses held by Services, "total" the usable addresses of the pool
/// (after avoidBuggyIPs), both families together.
/// </remarks>
internal sealed class IpamMetrics : IHostedService
{
    public const string MeterName = "IronLb.Ipam";

    public IpamMetrics(IMeterFactory meterFactory, IpamStatus status, ConfigurationSourceStatus source)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(source);
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("metallb_allocator_addresses_in_use_total", () => status.Pools.Select(p =>
            new Measurement<double>((double)(p.AssignedIPv4 + p.AssignedIPv6), new KeyValuePair<string, object?>("pool", p.Pool))), description: "Number of IP addresses in use, per pool");
        meter.CreateObservableGauge("metallb_allocator_addresses_total", () => status.Pools.Select(p =>
            new Measurement<double>((double)(p.AssignedIPv4 + p.AvailableIPv4) + (double)(p.AssignedIPv6 + p.AvailableIPv6), new KeyValuePair<string, object?>("pool", p.Pool))), description: "Number of usable IP addresses, per pool");
        meter.CreateObservableGauge("metallb_k8s_client_config_loaded_bool", () => source.Loaded ? 1 : 0, description: "1 if the MetalLB configuration was successfully loaded at least once.");
        meter.CreateObservableGauge("metallb_k8s_client_config_stale_bool", () => source.Stale ? 1 : 0, description: "1 if running on a stale configuration, because the latest config failed to load.");
    }

    // Created by the host at start, so the instruments exist before the first scrape.
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
