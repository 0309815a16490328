using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IronLb.Core.Configuration;

/// <summary>An immutable string-to-string map kept in ordinal key order, compared by content (labels, annotations, secret data).</summary>
[JsonConverter(typeof(StringMapJsonConverter))]
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named like Kubernetes' map[string]string; 'StringDictionary' is already taken by System.Collections.Specialized.")]
public sealed class StringMap : IReadOnlyDictionary<string, string>, IEquatable<StringMap>
{
    // Sorted once so that JSON output and hashing never depend on insertion order.
    private readonly KeyValuePair<string, string>[] entries;

    private StringMap(KeyValuePair<string, string>[] entries) => this.entries = entries;

    public static StringMap Empty { get; } = new([]);

    public int Count => entries.Length;

    public IEnumerable<string> Keys => entries.Select(e => e.Key);

    public IEnumerable<string> Values => entries.Select(e => e.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    /// <summary>Builds a map; a repeated key keeps its last value, as a YAML or JSON reader would.</summary>
    public static StringMap From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            last[key] = value;
        }

        return last.Count == 0 ? Empty : new StringMap([.. last.OrderBy(e => e.Key, StringComparer.Ordinal)]);
    }

    public static StringMap Of(params (string Key, string Value)[] pairs) =>
        From(pairs.Select(p => KeyValuePair.Create(p.Key, p.Value)));

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? entries[index].Value : null;
        return index >= 0;
    }

    public bool Equals(StringMap? other) =>
        other is not null && (ReferenceEquals(this, other) || entries.AsSpan().SequenceEqual(other.entries));

    public override bool Equals(object? obj) => Equals(obj as StringMap);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var entry in entries)
        {
            hash.Add(entry.Key);
            hash.Add(entry.Value);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => "{" + string.Join(", ", entries.Select(e => e.Key + "=" + e.Value)) + "}";

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        int low = 0, high = entries.Length - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var order = string.CompareOrdinal(entries[mid].Key, key);
            if (order == 0)
            {
                return mid;
            }

            if (order < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return -1;
    }

    private sealed class StringMapJsonConverter : JsonConverter<StringMap>
    {
        public override StringMap Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            From(JsonSerializer.Deserialize<Dictionary<string, string>>(ref reader, options) ?? []);

        public override void Write(Utf8JsonWriter writer, StringMap value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (key, text) in value.entries)
            {
                writer.WriteString(key, text);
            }

            writer.WriteEndObject();
        }
    }
}
