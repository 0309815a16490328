using System.Diagnostics.Metrics;
using System.Net;
using IronLb.Layer2.Announcing;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;

namespace IronLb.Layer2.Tests.Announcing;

public sealed class Layer2MetricsTests
{
    [Fact]
    public void Scrape_OneOfEach_MetalLbNamesCountersAndIpLabel()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var exporter = new PrometheusExporter(m => m.Name.StartsWith(ServiceDefaultsExtensions.MeterPrefix, StringComparison.Ordinal));
        var metrics = new Layer2Metrics(services.GetRequiredService<IMeterFactory>());
        var address = IPAddress.Parse("203.0.113.10");

        metrics.RequestReceived(address);
        metrics.RequestReceived(address);
        metrics.ResponseSent(address);
        metrics.GratuitousSent(address);

        // metallb/metallb internal/layer2/stats.go: counters labelled "ip".
        var lines = exporter.Scrape().Split('\n');
        Assert.Contains("# TYPE metallb_layer2_requests_received counter", lines);
        Assert.Contains("# TYPE metallb_layer2_responses_sent counter", lines);
        Assert.Contains("# TYPE metallb_layer2_gratuitous_sent counter", lines);
        Assert.Contains("metallb_layer2_requests_received{ip=\"203.0.113.10\"} 2", lines);
        Assert.Contains("metallb_layer2_responses_sent{ip=\"203.0.113.10\"} 1", lines);
        Assert.Contains("metallb_layer2_gratuitous_sent{ip=\"203.0.113.10\"} 1", lines);
    }
}
