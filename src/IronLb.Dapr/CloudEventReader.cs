using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace IronLb.Dapr;

/// <summary>One delivery's payload and envelope fields, or why it is refused.</summary>
/// <param name="Data">The event's data: the JSON of "data", the bytes of "data_base64", or the body of a raw JSON delivery.</param>
/// <param name="Id">CloudEvent id, or "".</param>
/// <param name="Source">CloudEvent source (the publishing app id), or "".</param>
/// <param name="Problem">Why the delivery is refused (a 4xx), or null.</param>
internal readonly record struct CloudEventRead(ReadOnlyMemory<byte> Data, string Id, string Source, string? Problem)
{
    public static CloudEventRead Refused(string problem) => new(ReadOnlyMemory<byte>.Empty, string.Empty, string.Empty, problem);
}

/// <summary>
/// Reads what a Dapr sidecar POSTs to a subscription route: a CloudEvent 1.0 in structured JSON
/// (application/cloudevents+json), or a raw JSON payload (application/json). Pure, and bounded: a depth limit on the
/// JSON, a known spec version, data that is itself well-formed JSON (every IronLB event is).
/// </summary>
internal static class CloudEventReader
{
    /// <summary>No IronLB event nests deeper; a deeper document is refused before it costs anything.</summary>
    public const int MaxDepth = 32;

    private const string CloudEventsMediaType = "application/cloudevents+json";
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public static CloudEventRead Read(string? contentType, ReadOnlyMemory<byte> body)
    {
        // JSON exchanged between systems is UTF-8 (RFC 8259 §8.1); System.Text.Json checks that lazily, and throws late.
        if (!Utf8.IsValid(body.Span))
        {
            return CloudEventRead.Refused("the body is not valid UTF-8");
        }

        var mediaType = MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType : null;
        if (string.Equals(mediaType, CloudEventsMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return ReadEnvelope(body);
        }

        if (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return IsJson(body.Span) ? new CloudEventRead(body, string.Empty, string.Empty, null) : CloudEventRead.Refused("the body is not well-formed JSON");
        }

        return CloudEventRead.Refused($"content type \"{contentType}\" is neither {CloudEventsMediaType} nor application/json");
    }

    private static CloudEventRead ReadEnvelope(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            return CloudEventRead.Refused("the CloudEvent is not well-formed JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return CloudEventRead.Refused("the CloudEvent is not a JSON object");
            }

            // CloudEvents 1.0 is the version Dapr sends; another version may shape its attributes differently, so it is not guessed at.
            if (Text(root, "specversion") != "1.0")
            {
                return CloudEventRead.Refused($"CloudEvents specversion \"{Text(root, "specversion")}\" is not 1.0");
            }

            byte[] data;
            if (root.TryGetProperty("data_base64", out var base64) && base64.ValueKind == JsonValueKind.String)
            {
                var decoded = new byte[base64.GetString()!.Length];
                if (!Convert.TryFromBase64String(base64.GetString()!, decoded, out var written))
                {
                    return CloudEventRead.Refused("data_base64 is not base64");
                }

                data = decoded[..written];
            }
            else if (root.TryGetProperty("data", out var value))
            {
                // A string under a non-JSON content type is the payload's text; anything else is the payload's JSON.
                data = value.ValueKind == JsonValueKind.String && !IsJsonContentType(Text(root, "datacontenttype"))
                    ? Encoding.UTF8.GetBytes(value.GetString()!)
                    : Encoding.UTF8.GetBytes(value.GetRawText());
            }
            else
            {
                data = [];
            }

            if (data.Length > 0 && !IsJson(data))
            {
                return CloudEventRead.Refused("the event's data is not well-formed JSON");
            }

            return new CloudEventRead(data, Text(root, "id") ?? string.Empty, Text(root, "source") ?? string.Empty, null);
        }
    }

    private static bool IsJsonContentType(string? contentType) =>
        contentType is null || contentType.Contains("json", StringComparison.OrdinalIgnoreCase);

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsJson(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            while (reader.Read())
            {
            }

            return reader.BytesConsumed == bytes.Length && bytes.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
