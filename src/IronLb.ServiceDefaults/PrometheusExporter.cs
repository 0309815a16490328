using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace IronLb.ServiceDefaults;

/// <summary>Collects System.Diagnostics.Metrics instruments of IronLB's meters and writes them in Prometheus text format.</summary>
/// <remarks>
/// Instrument names are exported as they are (dots become underscores), without a <c>_total</c> suffix,
/// because MetalLB's dashboards use names such as <c>metallb_layer2_requests_received</c>.
/// </remarks>
public sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentSeries> _series = new();
    private readonly Func<Meter, bool> _meterFilter;

    public PrometheusExporter(Func<Meter, bool> meterFilter)
    {
        _meterFilter = meterFilter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meterFilter(instrument.Meter))
            {
                _series.TryAdd(instrument, new InstrumentSeries(instrument));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _series.TryRemove(instrument, out InstrumentSeries? _);
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Writes every series in Prometheus text exposition format 0.0.4.</summary>
    public string Scrape()
    {
        // Observable instruments report only when asked: clear their last values, then collect afresh.
        foreach (var series in _series.Values.Where(s => s.IsObservable))
        {
            series.Values.Clear();
        }

        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        var byName = _series.Values
            .GroupBy(s => s.Name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in byName)
        {
            var first = group.First();
            if (!string.IsNullOrEmpty(first.Help))
            {
                text.Append("# HELP ").Append(group.Key).Append(' ').Append(first.Help.Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
            }

            text.Append("# TYPE ").Append(group.Key).Append(' ').Append(first.Type).Append('\n');
            foreach (var (labels, value) in group.SelectMany(s => s.Values).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                text.Append(group.Key).Append(labels).Append(' ')
                    .Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        if (!_series.TryGetValue(instrument, out var series))
        {
            return;
        }

        var labels = FormatLabels(tags);
        double measurement = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (series.Cumulative)
        {
            series.Values.AddOrUpdate(labels, measurement, (_, old) => old + measurement);
        }
        else
        {
            series.Values[labels] = measurement;
        }
    }

    private static string FormatLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return string.Empty;
        }

        var sorted = tags.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder("{");
        for (int i = 0; i < sorted.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var value = Convert.ToString(sorted[i].Value, CultureInfo.InvariantCulture) ?? string.Empty;
            text.Append(SanitizeName(sorted[i].Key)).Append("=\"")
                .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal)
                    .Replace("\"", "\\\"", StringComparison.Ordinal)
                    .Replace("\n", "\\n", StringComparison.Ordinal))
                .Append('"');
        }

        return text.Append('}').ToString();
    }

    internal static string SanitizeName(string name)
    {
        var chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] == '_' || chars[i] == ':'))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private sealed class InstrumentSeries(Instrument instrument)
    {
        public string Name { get; } = SanitizeName(instrument.Name);

        public string? Help { get; } = instrument.Description;

        public bool IsObservable { get; } = instrument.IsObservable;

        /// <summary>Counters add up what they record; gauges and observed values replace it.</summary>
        public bool Cumulative { get; } = !instrument.IsObservable && instrument is not Gauge<long> and not Gauge<double> and not Gauge<int>;

        public string Type { get; } = instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => "counter",
            _ => "gauge",
        };

        public ConcurrentDictionary<string, double> Values { get; } = new(StringComparer.Ordinal);
    }
}
