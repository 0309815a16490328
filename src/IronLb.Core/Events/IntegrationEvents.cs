using Microsoft.Extensions.Options;

namespace IronLb.Core.Events;

/// <summary>
/// Where services hand in the public events of a state change they have just stored: each is put in its CloudEvent
/// envelope and appended to the process's <see cref="EventFeed"/>, from where /events readers and the Dapr forwarder take it.
/// </summary>
/// <remarks>Never blocks and never fails on the bus: a service calls it right after its write succeeded, and the write stands
/// whatever happens to the event afterwards.</remarks>
public sealed class IntegrationEvents(EventFeed stream, IOptions<EventsOptions> options, TimeProvider time)
{
    private readonly string _instance = options.Value.Instance ?? Environment.MachineName;

    /// <summary>The CloudEvent source of events from <paramref name="service"/> in this instance: "/ironlb/SERVICE/INSTANCE".</summary>
    public string SourceOf(string service) => "/ironlb/" + service + "/" + _instance;

    /// <summary>Emits <paramref name="events"/> as coming from <paramref name="service"/> ("ipam", "election", "bgp").</summary>
    public void Emit(string service, IReadOnlyList<IntegrationEvent> events)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentNullException.ThrowIfNull(events);
        var source = SourceOf(service);
        var now = time.GetUtcNow();
        foreach (var integrationEvent in events)
        {
            stream.Append(CloudEventFormat.Write(integrationEvent, source, now));
        }
    }
}
