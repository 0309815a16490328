using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;

namespace IronLb.Layer2.Announcing;

/// <summary>The announcer's counters under MetalLB's metric names, tagged by address ("ip"), on the "IronLb.Layer2" meter.</summary>
internal sealed class Layer2Metrics
{
    public const string MeterName = "IronLb.Layer2";

    private readonly Counter<long> _requestsReceived;
    private readonly Counter<long> _responsesSent;
    private readonly Counter<long> _gratuitousSent;
    private readonly Counter<long> _framesDropped;

    // Formatting the address on every reply would allocate on the hot path; the set of owned addresses is small.
    private readonly ConcurrentDictionary<IPAddress, KeyValuePair<string, object?>> _tags = new();

    public Layer2Metrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requestsReceived = meter.CreateCounter<long>("metallb_layer2_requests_received", description: "Number of layer2 requests received for owned IPs");
        _responsesSent = meter.CreateCounter<long>("metallb_layer2_responses_sent", description: "Number of layer2 responses sent for owned IPs");
        _gratuitousSent = meter.CreateCounter<long>("metallb_layer2_gratuitous_sent", description: "Number of gratuitous layer2 packets sent for owned IPs");
        _framesDropped = meter.CreateCounter<long>("ironlb_layer2_frames_dropped", description: "Malformed or truncated frames dropped, by reason");
    }

    public void RequestReceived(IPAddress address) => _requestsReceived.Add(1, Tag(address));

    public void ResponseSent(IPAddress address) => _responsesSent.Add(1, Tag(address));

    public void GratuitousSent(IPAddress address) => _gratuitousSent.Add(1, Tag(address));

    public void FrameDropped(string reason) => _framesDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private KeyValuePair<string, object?> Tag(IPAddress address) =>
        _tags.GetOrAdd(address, static a => new KeyValuePair<string, object?>("ip", a.ToString()));
}
