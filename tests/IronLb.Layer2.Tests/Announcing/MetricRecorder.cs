using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using IronLb.Layer2.Announcing;

namespace IronLb.Layer2.Tests.Announcing;

/// <summary>Sums the IronLb.Layer2 counters by (name, ip) as a Prometheus exporter would see them.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Name, string? Tag), long> _totals = new();

    public MetricRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? tag = null;
            foreach (var t in tags)
            {
                tag = t.Value?.ToString();
            }

            _totals.AddOrUpdate((instrument.Name, tag), value, (_, old) => old + value);
        });
        _listener.Start();
    }

    public long Total(string name, string? tag) => _totals.GetValueOrDefault((name, tag));

    public void Dispose() => _listener.Dispose();
}

/// <summary>An IMeterFactory that hands out one meter, so a test can listen to exactly its own announcer.</summary>
internal sealed class SingleMeterFactory : IMeterFactory
{
    public Meter Meter { get; } = new(Layer2Metrics.MeterName);

    public Meter Create(MeterOptions options) => Meter;

    public void Dispose() => Meter.Dispose();
}
