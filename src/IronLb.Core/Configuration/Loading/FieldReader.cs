using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IronLb.Core.Configuration;

/// <summary>Reads typed fields out of one manifest object's JSON tree, reporting each wrongly typed field as an error about that object.</summary>
/// <remarks>An absent field and an explicit null both read as "not set", as in Kubernetes.</remarks>
internal sealed class FieldReader(string file, string kind, string name, ICollection<ConfigurationError> errors)
{
    // Which keys of which objects were read, so that the rest can be named as not acted on.
    private readonly Dictionary<JsonObject, HashSet<string>> _read = new(ReferenceEqualityComparer.Instance);

    public int ErrorCount { get; private set; }

    public void Report(string path, string message)
    {
        ErrorCount++;
        errors.Add(new ConfigurationError(file, kind, name, path.Length == 0 ? message : $"{path}: {message}"));
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public JsonObject? Object(JsonObject? parent, string path, string key) =>
        Get(parent, key) switch
        {
            null => null,
            JsonObject value => value,
            var other => Mismatch<JsonObject>(Join(path, key), "an object", other),
        };

    public string? String(JsonObject? parent, string path, string key) =>
        Get(parent, key) is { } node ? AsString(node, Join(path, key)) : null;

    public bool? Bool(JsonObject? parent, string path, string key)
    {
        var node = Get(parent, key);
        return node switch
        {
            null => null,
            JsonValue value when value.GetValueKind() is JsonValueKind.True => true,
            JsonValue value when value.GetValueKind() is JsonValueKind.False => false,
            _ => Mismatch<bool?>(Join(path, key), "true or false", node),
        };
    }

    public long? Integer(JsonObject? parent, string path, string key, long min, long max)
    {
        var node = Get(parent, key);
        if (node is null)
        {
            return null;
        }

        var where = Join(path, key);
        if (node is not JsonValue value || value.GetValueKind() is not JsonValueKind.Number || !TryGetWholeNumber(value, out var number))
        {
            return Mismatch<long?>(where, "an integer", node);
        }

        if (number < min || number > max)
        {
            Report(where, $"{number.ToString(CultureInfo.InvariantCulture)} is out of range {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return number;
    }

    /// <summary>A Kubernetes duration string ("90s", "1m30s", "250ms").</summary>
    public TimeSpan? Duration(JsonObject? parent, string path, string key)
    {
        if (String(parent, path, key) is not { } text)
        {
            return null;
        }

        if (KubernetesDuration.TryParse(text, out var duration))
        {
            return duration;
        }

        Report(Join(path, key), $"\"{text}\" is not a duration (expected a form such as \"90s\", \"1m30s\" or \"250ms\")");
        return null;
    }

    public ValueList<string> StringList(JsonObject? parent, string path, string key)
    {
        var items = new List<string>();
        foreach (var (node, where) in Items(parent, path, key))
        {
            if (node is not null && AsString(node, where) is { } text)
            {
                items.Add(text);
            }
            else if (node is null)
            {
                Report(where, "expected a string, got null");
            }
        }

        return ValueList.From(items);
    }

    public IEnumerable<(JsonObject Item, string Path)> ObjectList(JsonObject? parent, string path, string key)
    {
        foreach (var (node, where) in Items(parent, path, key))
        {
            if (node is JsonObject item)
            {
                yield return (item, where);
            }
            else
            {
                Mismatch<JsonObject>(where, "an object", node);
            }
        }
    }

    public StringMap Map(JsonObject? parent, string path, string key)
    {
        var map = Object(parent, path, key);
        if (map is null)
        {
            return StringMap.Empty;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (entryKey, node) in map)
        {
            var where = Join(Join(path, key), entryKey);
            if (node is null)
            {
                Report(where, "expected a string, got null");
            }
            else if (AsString(node, where) is { } text)
            {
                pairs.Add(KeyValuePair.Create(entryKey, text));
            }
        }

        return StringMap.From(pairs);
    }

    public ValueList<LabelSelector> Selectors(JsonObject? parent, string path, string key) =>
        ValueList.From(ObjectList(parent, path, key).Select(item => Selector(item.Item, item.Path)));

    public LabelSelector Selector(JsonObject selector, string path) => new()
    {
        MatchLabels = Map(selector, path, "matchLabels"),
        MatchExpressions = ValueList.From(ObjectList(selector, path, "matchExpressions").Select(e => new LabelSelectorRequirement
        {
            Key = String(e.Item, e.Path, "key") ?? "",
            Operator = String(e.Item, e.Path, "operator") ?? "",
            Values = StringList(e.Item, e.Path, "values"),
        })),
    };

    /// <summary>
    /// The fields under <paramref name="node"/> that nothing read, in objects of which something was read (an object
    /// never looked into, such as a whole unknown field, is named once by its parent); paths as in error messages.
    /// </summary>
    public IEnumerable<string> Unread(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                _read.TryGetValue(obj, out var seen);
                foreach (var (key, child) in obj)
                {
                    var where = Join(path, key);
                    if (seen is not null && !seen.Contains(key))
                    {
                        yield return where;
                    }
                    else
                    {
                        foreach (var inner in Unread(child, where))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var inner in Unread(array[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]"))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    private JsonNode? Get(JsonObject? parent, string key)
    {
        if (parent is null)
        {
            return null;
        }

        if (!_read.TryGetValue(parent, out var seen))
        {
            _read[parent] = seen = new HashSet<string>(StringComparer.Ordinal);
        }

        seen.Add(key);
        return parent.TryGetPropertyValue(key, out var node) ? node : null;
    }

    private IEnumerable<(JsonNode? Node, string Path)> Items(JsonObject? parent, string path, string key)
    {
        var node = Get(parent, key);
        var where = Join(path, key);
        if (node is null)
        {
            yield break;
        }

        if (node is not JsonArray array)
        {
            Mismatch<JsonArray>(where, "a list", node);
            yield break;
        }

        for (var i = 0; i < array.Count; i++)
        {
            yield return (array[i], $"{where}[{i.ToString(CultureInfo.InvariantCulture)}]");
        }
    }

    private string? AsString(JsonNode node, string where) =>
        node is JsonValue value && value.GetValueKind() is JsonValueKind.String ? value.GetValue<string>() : Mismatch<string>(where, "a string", node);

    private static bool TryGetWholeNumber(JsonValue value, out long number)
    {
        if (value.TryGetValue(out number))
        {
            return true;
        }

        if (value.TryGetValue(out JsonElement element) && element.TryGetInt64(out number))
        {
            return true;
        }

        // A YAML or JSON number written with a fraction ("3.0") is still whole; Kubernetes rejects "3.5".
        if (value.TryGetValue(out double real) && double.IsInteger(real) && real is >= long.MinValue and <= long.MaxValue)
        {
            number = (long)real;
            return true;
        }

        number = 0;
        return false;
    }

    private T? Mismatch<T>(string where, string expected, JsonNode? actual)
    {
        var got = actual switch
        {
            null => "null",
            JsonObject => "an object",
            JsonArray => "a list",
            JsonValue value => value.GetValueKind() switch
            {
                JsonValueKind.String => $"the string \"{value.GetValue<string>()}\"",
                JsonValueKind.True or JsonValueKind.False => $"the boolean {value.ToJsonString()}",
                _ => $"the number {value.ToJsonString()}",
            },
            _ => "something else",
        };
        Report(where, $"expected {expected}, got {got}");
        return default;
    }
}
