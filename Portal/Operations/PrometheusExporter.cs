using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Portal.Operations;

/// <summary>
/// Exposes the portal's System.Diagnostics.Metrics instruments (every Meter named "Portal" or "Portal.*") in the
/// Prometheus text format at /metrics, so any Prometheus-compatible scraper reads them. A MeterListener of our own:
/// the OpenTelemetry hosting and Prometheus packages are not available to this build.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), Series> series = new();
    private readonly ConcurrentDictionary<string, (string Type, string? Help)> instruments = new();

    private sealed class Series { public double Sum; public long Count; }

    public PrometheusExporter()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name != "Portal" && !instrument.Meter.Name.StartsWith("Portal.", StringComparison.Ordinal)) return;
            instruments[Name(instrument.Name)] = (instrument is Histogram<double> or Histogram<long> ? "summary" : "counter", instrument.Description);
            l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new StringBuilder();
        foreach (var tag in tags)
        {
            if (labels.Length > 0) labels.Append(',');
            labels.Append(Name(tag.Key)).Append("=\"").Append(Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")).Append('"');
        }
        var s = series.GetOrAdd((Name(instrument.Name), labels.ToString()), _ => new Series());
        lock (s) { s.Sum += value; s.Count++; }
    }

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var group in series.OrderBy(kv => kv.Key.Name, StringComparer.Ordinal).ThenBy(kv => kv.Key.Labels, StringComparer.Ordinal).GroupBy(kv => kv.Key.Name))
        {
            var (type, help) = instruments.GetValueOrDefault(group.Key, ("counter", null));
            var metric = type == "counter" ? group.Key + "_total" : group.Key;
            if (help is not null) text.Append("# HELP ").Append(metric).Append(' ').Append(help.Replace('\n', ' ')).Append('\n');
            text.Append("# TYPE ").Append(metric).Append(' ').Append(type).Append('\n');
            foreach (var (key, s) in group)
            {
                double sum; long count;
                lock (s) { sum = s.Sum; count = s.Count; }
                var labels = key.Labels.Length > 0 ? "{" + key.Labels + "}" : "";
                if (type == "counter") text.Append(metric).Append(labels).Append(' ').Append(sum.ToString(CultureInfo.InvariantCulture)).Append('\n');
                else
                {
                    text.Append(metric).Append("_sum").Append(labels).Append(' ').Append(sum.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    text.Append(metric).Append("_count").Append(labels).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }
        return text.ToString();
    }

    /// <summary>"portal.sns.rejected" → "portal_sns_rejected": Prometheus names allow [a-zA-Z0-9_:].</summary>
    private static string Name(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_'));

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    public void Dispose() => listener.Dispose();
}
