using System.Diagnostics.Metrics;
using IronLb.ServiceDefaults;

namespace IronLb.Cli.Tests.Hosting;

public sealed class PrometheusExporterTests : IDisposable
{
    private readonly Meter _meter = new("IronLb.Test." + Guid.NewGuid().ToString("N"));
    private readonly PrometheusExporter _exporter;

    public PrometheusExporterTests() => _exporter = new PrometheusExporter(m => m == _meter);

    public void Dispose()
    {
        _exporter.Dispose();
        _meter.Dispose();
    }

    [Fact]
    public void Scrape_CounterWithLabels_SummedUnderMetalLbName()
    {
        var counter = _meter.CreateCounter<long>("metallb_layer2_requests_received", description: "ARP and NDP requests received");
        counter.Add(2, new KeyValuePair<string, object?>("ip", "203.0.113.10"));
        counter.Add(3, new KeyValuePair<string, object?>("ip", "203.0.113.10"));
        counter.Add(1, new KeyValuePair<string, object?>("ip", "2001:db8:1:20::10"));

        var text = _exporter.Scrape();

        Assert.Equal(
            "# HELP metallb_layer2_requests_received ARP and NDP requests received\n"
            + "# TYPE metallb_layer2_requests_received counter\n"
            + "metallb_layer2_requests_received{ip=\"2001:db8:1:20::10\"} 1\n"
            + "metallb_layer2_requests_received{ip=\"203.0.113.10\"} 5\n",
            text);
    }

    [Fact]
    public void Scrape_ObservableGauge_LatestValueAndEscapedLabel()
    {
        var value = 7;
        _meter.CreateObservableGauge("ironlb.pool.free", () => new Measurement<int>(value, new KeyValuePair<string, object?>("pool", "a\"b")));

        _exporter.Scrape();
        value = 4;
        var text = _exporter.Scrape();

        Assert.Contains("# TYPE ironlb_pool_free gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("ironlb_pool_free{pool=\"a\\\"b\"} 4\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("} 7", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_OtherMeters_NotExported()
    {
        using var other = new Meter("Other");
        other.CreateCounter<long>("other_total").Add(1);

        Assert.DoesNotContain("other_total", _exporter.Scrape(), StringComparison.Ordinal);
    }
}
