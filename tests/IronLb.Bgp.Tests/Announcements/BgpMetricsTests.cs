using IronLb.Bgp.Announcements;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;

namespace IronLb.Bgp.Tests.Announcements;

public sealed class BgpMetricsTests
{
    [Fact]
    public void Scrape_NoSpeaker_EveryMetalLbFamilyDeclaredWithItsTypeAndNoSeries()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var exporter = new PrometheusExporter(m => m.Name.StartsWith(ServiceDefaultsExtensions.MeterPrefix, StringComparison.Ordinal));
        _ = new BgpMetrics(services.GetRequiredService<IMeterFactory>());

        var text = exporter.Scrape();

        // metallb/metallb internal/bgp/native/metrics.go and frr-tools/metrics/collector/bfd.go.
        string[] expected =
        [
            "# TYPE metallb_bfd_control_packet_input counter",
            "# TYPE metallb_bfd_control_packet_output counter",
            "# TYPE metallb_bfd_echo_packet_input counter",
            "# TYPE metallb_bfd_echo_packet_output counter",
            "# TYPE metallb_bfd_session_down_events counter",
            "# TYPE metallb_bfd_session_up gauge",
            "# TYPE metallb_bfd_session_up_events counter",
            "# TYPE metallb_bgp_announced_prefixes_total gauge",
            "# TYPE metallb_bgp_pending_prefixes_total gauge",
            "# TYPE metallb_bgp_session_up gauge",
            "# TYPE metallb_bgp_updates_total counter",
        ];
        Assert.Equal(expected, text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)));
        Assert.DoesNotContain(text.Split('\n'), l => l.Length > 0 && !l.StartsWith('#'));
    }
}
