using System.Buffers;
using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace IronLb.Core.Configuration;

/// <summary>One YAML or JSON document, as a JSON tree, with the line it starts on.</summary>
internal sealed record ParsedDocument(int Index, int Line, JsonNode? Root);

/// <summary>Reads multi-document YAML into JSON trees, typing plain scalars by the YAML 1.2 core schema.</summary>
/// <remarks>
/// Built from parser events rather than YamlStream so that the documents before a syntax error survive,
/// and so that a quoted "true" stays a string while a plain true becomes a boolean: the loader reports
/// a wrongly typed field instead of guessing.
/// </remarks>
internal static class YamlTreeReader
{
    private const string StringTag = "tag:yaml.org,2002:str";

    private static readonly SearchValues<char> DecimalCharacters = SearchValues.Create("0123456789.");

    public static IReadOnlyList<ParsedDocument> Read(string text, Action<int, int, string> reportError)
    {
        var documents = new List<ParsedDocument>();
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                var index = documents.Count + 1;
                var builder = new DocumentBuilder(parser, (line, message) => reportError(index, line, message));
                var root = parser.Accept<DocumentEnd>(out _) ? null : builder.ReadNode(depth: 0);
                parser.Consume<DocumentEnd>();
                documents.Add(new ParsedDocument(index, (int)start.Start.Line, root));
            }

            parser.Consume<StreamEnd>();
        }
        catch (YamlException exception)
        {
            reportError(documents.Count + 1, (int)exception.Start.Line, $"malformed YAML at line {exception.Start.Line}, column {exception.Start.Column}: {InnermostMessage(exception)}");
        }

        return documents;
    }

    /// <summary>Builds one document's tree; bounded in depth and size so that hostile input (deep nesting, alias bombs) ends in an error, not a crash.</summary>
    private sealed class DocumentBuilder(IParser parser, Action<int, string> reportError)
    {
        private const int MaxDepth = 64;
        private const int MaxNodes = 1_000_000;

        private readonly Dictionary<string, (JsonNode? Node, int Size)> anchors = new(StringComparer.Ordinal);
        private int nodes;

        public JsonNode? ReadNode(int depth)
        {
            var current = parser.Current ?? throw new YamlException("unexpected end of input");
            if (depth > MaxDepth)
            {
                throw new YamlException(current.Start, current.End, $"nesting deeper than {MaxDepth} levels");
            }

            parser.MoveNext();
            var before = nodes;
            Count(current, 1);
            JsonNode? node;
            AnchorName anchor;
            switch (current)
            {
                case Scalar scalar:
                    node = ScalarToNode(scalar);
                    anchor = scalar.Anchor;
                    break;
                case SequenceStart sequenceStart:
                    var array = new JsonArray();
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        array.Add(ReadNode(depth + 1));
                    }

                    node = array;
                    anchor = sequenceStart.Anchor;
                    break;
                case MappingStart mappingStart:
                    node = ReadMapping(depth);
                    anchor = mappingStart.Anchor;
                    break;
                case AnchorAlias alias:
                    if (!anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
                    }

                    // A JsonNode has one parent, so every use of an alias gets its own copy, which counts against the budget.
                    Count(alias, target.Size);
                    return target.Node?.DeepClone();
                default:
                    throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
            }

            if (!anchor.IsEmpty)
            {
                anchors[anchor.Value] = (node, nodes - before);
            }

            return node;
        }

        private JsonObject ReadMapping(int depth)
        {
            var mapping = new JsonObject();
            while (!parser.Accept<MappingEnd>(out _))
            {
                var keyEvent = parser.Current;
                var key = ReadNode(depth + 1);
                var value = ReadNode(depth + 1);
                var line = (int)(keyEvent?.Start.Line ?? 0);
                var keyText = key switch
                {
                    JsonValue scalar => scalar.ToString(),
                    null => "null",
                    _ => null,
                };
                if (keyText is null)
                {
                    reportError(line, $"line {line}: mapping keys must be scalars");
                }
                else if (mapping.ContainsKey(keyText))
                {
                    // sigs.k8s.io/yaml rejects duplicate keys: silently keeping one would hide a mistake.
                    reportError(line, $"line {line}: duplicate key \"{keyText}\"");
                }
                else
                {
                    mapping[keyText] = value;
                }
            }

            parser.MoveNext();
            return mapping;
        }

        private void Count(ParsingEvent at, int added)
        {
            nodes += added;
            if (nodes > MaxNodes)
            {
                throw new YamlException(at.Start, at.End, $"document expands to more than {MaxNodes} nodes");
            }
        }
    }

    private static JsonValue? ScalarToNode(Scalar scalar)
    {
        var value = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && scalar.Tag.Value == StringTag))
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (TryParseInteger(value, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (LooksLikeFloat(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(value);
    }

    private static bool TryParseInteger(string value, out long integer)
    {
        if (value.StartsWith("0x", StringComparison.Ordinal))
        {
            return long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out integer);
        }

        if (value.StartsWith("0o", StringComparison.Ordinal))
        {
            integer = 0;
            foreach (var digit in value.AsSpan(2))
            {
                if (digit is < '0' or > '7' || integer > (long.MaxValue >> 3))
                {
                    return false;
                }

                integer = (integer << 3) | (uint)(digit - '0');
            }

            return value.Length > 2;
        }

        integer = 0;
        var digits = value.AsSpan(value.StartsWith('-') || value.StartsWith('+') ? 1 : 0);
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9')
            && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out integer);
    }

    // YAML 1.2 core floats: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?; nothing else (so "1.2.3" stays a string).
    private static bool LooksLikeFloat(string value)
    {
        var span = value.AsSpan();
        if (span.Length > 0 && span[0] is '-' or '+')
        {
            span = span[1..];
        }

        var mantissaEnd = span.IndexOfAny('e', 'E');
        var mantissa = mantissaEnd < 0 ? span : span[..mantissaEnd];
        var dot = mantissa.IndexOf('.');
        var digitsOk = mantissa.Length > 0 && mantissa.Count('.') <= 1 && !mantissa.ContainsAnyExcept(DecimalCharacters) && !(mantissa is ".");
        if (!digitsOk || (dot < 0 && mantissaEnd < 0))
        {
            return false;
        }

        if (mantissaEnd < 0)
        {
            return true;
        }

        var exponent = span[(mantissaEnd + 1)..];
        if (exponent.Length > 0 && exponent[0] is '-' or '+')
        {
            exponent = exponent[1..];
        }

        return exponent.Length > 0 && !exponent.ContainsAnyExceptInRange('0', '9');
    }

    private static string InnermostMessage(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception.Message;
    }
}
