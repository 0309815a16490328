using System.Diagnostics.Metrics;
using System.Globalization;
using IronLb.Bgp.Session;

namespace IronLb.Bgp.Announcements;

/// <summary>
/// BGP and BFD session metrics under MetalLB's names, types and labels, read from the speaker at each scrape, on the
/// "IronLb.Bgp" meter.
/// </summary>
/// <remarks>
/// As MetalLB's speaker (internal/bgp/native/metrics.go; frr-tools/metrics/collector/bfd.go): every series carries
/// "peer" and "vrf". The BGP peer label is "ADDRESS:PORT" and the BFD one the address alone, as MetalLB writes them; vrf
/// is the VRF's name, empty in the default VRF (Prometheus then drops it, as MetalLB's native mode shows it). A session
/// that no longer exists has no series. MetalLB's metallb_bfd_zebra_notifications counts FRR's zebra messages, which
/// IronLB's BFD has no equivalent of, so it is not exported.
/// </remarks>
internal sealed class BgpMetrics : IHostedService
{
    public const string MeterName = "IronLb.Bgp";

    private readonly BgpSpeakerHost? _host;

    public BgpMetrics(IMeterFactory meterFactory, BgpSpeakerHost? host = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _host = host;
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("metallb_bgp_session_up", () => Sessions(s => s.State == BgpState.Established ? 1 : 0), description: "BGP session state (1 is up, 0 is down)");
        meter.CreateObservableCounter("metallb_bgp_updates_total", () => Sessions(s => s.UpdatesSent), description: "Number of BGP UPDATE messages sent");
        meter.CreateObservableGauge("metallb_bgp_announced_prefixes_total", () => Sessions(s => s.AdvertisedPrefixes), description: "Number of prefixes currently being advertised on the BGP session");
        meter.CreateObservableGauge("metallb_bgp_pending_prefixes_total", () => Sessions(s => s.DesiredPrefixes), description: "Number of prefixes that should be advertised on the BGP session");

        meter.CreateObservableGauge("metallb_bfd_session_up", () => BfdSessions((p, _) => p.State == Bfd.BfdState.Up ? 1 : 0), description: "BFD session state (1 is up, 0 is down)");
        meter.CreateObservableCounter("metallb_bfd_control_packet_input", () => BfdSessions((_, c) => c.ControlIn), description: "Number of received BFD control packets");
        meter.CreateObservableCounter("metallb_bfd_control_packet_output", () => BfdSessions((_, c) => c.ControlOut), description: "Number of sent BFD control packets");
        meter.CreateObservableCounter("metallb_bfd_echo_packet_input", () => BfdSessions((_, c) => c.EchoIn), description: "Number of received BFD echo packets");
        meter.CreateObservableCounter("metallb_bfd_echo_packet_output", () => BfdSessions((_, c) => c.EchoOut), description: "Number of sent BFD echo packets");
        meter.CreateObservableCounter("metallb_bfd_session_up_events", () => BfdSessions((_, c) => c.UpEvents), description: "Number of BFD session up events");
        meter.CreateObservableCounter("metallb_bfd_session_down_events", () => BfdSessions((_, c) => c.DownEvents), description: "Number of BFD session down events");
    }

    // Created by the host at start, so the instruments exist before the first scrape.
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IEnumerable<Measurement<long>> Sessions(Func<BgpPeerStatus, long> value) =>
        _host?.Speaker?.Status().Select(s => new Measurement<long>(
            value(s),
            new KeyValuePair<string, object?>("peer", s.Peer + ":" + s.Port.ToString(CultureInfo.InvariantCulture)),
            new KeyValuePair<string, object?>("vrf", s.Device ?? ""))) ?? [];

    private IEnumerable<Measurement<long>> BfdSessions(Func<Bfd.BfdPeer, Bfd.BfdCounters, long> value)
    {
        if (_host?.Speaker is not { } speaker)
        {
            yield break;
        }

        foreach (var session in speaker.Status())
        {
            if (speaker.BfdPeer(session.Peer, session.Device) is { } peer)
            {
                yield return new Measurement<long>(
                    value(peer, peer.Counters),
                    new KeyValuePair<string, object?>("peer", session.Peer.ToString()),
                    new KeyValuePair<string, object?>("vrf", session.Device ?? ""));
            }
        }
    }
}
