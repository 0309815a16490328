using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IronLb.LocalSidecar.PubSub;

/// <summary>Builds the CloudEvents 1.0 envelope daprd wraps published data in
/// (https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-cloudevents/).</summary>
internal static class CloudEventEnvelope
{
    public const string ContentType = "application/cloudevents+json";
    public const string EventType = "com.dapr.event.sent";

    // daprd's default when the publisher names no content type.
    public const string DefaultDataContentType = "text/plain";

    /// <summary>The context fields daprd sets on every event it publishes.</summary>
    /// <param name="Source">The publishing app id.</param>
    /// <param name="Topic">The topic.</param>
    /// <param name="PubsubName">The pub/sub component.</param>
    /// <param name="TraceParent">W3C traceparent of the publish call, or null to start a new trace.</param>
    /// <param name="TraceState">W3C tracestate, or null.</param>
    /// <param name="Time">Publish time.</param>
    internal sealed record Context(string Source, string Topic, string PubsubName, string? TraceParent, string? TraceState, DateTimeOffset Time);

    /// <summary>True for application/cloudevents+json (parameters ignored): the payload is an envelope already.</summary>
    public static bool IsCloudEvent(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals(ContentType, StringComparison.OrdinalIgnoreCase);

    /// <summary>Wraps raw <paramref name="data"/>: JSON content inline as "data", text as a string, anything else as "data_base64".</summary>
    public static byte[] Wrap(ReadOnlySpan<byte> data, string? dataContentType, Context context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var contentType = string.IsNullOrEmpty(dataContentType) ? DefaultDataContentType : dataContentType;
        var buffer = new ArrayBufferWriter<byte>(data.Length + 512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", Guid.NewGuid().ToString());
            writer.WriteString("source", context.Source);
            writer.WriteString("type", EventType);
            writer.WriteString("specversion", "1.0");
            writer.WriteString("datacontenttype", contentType);
            writer.WriteString("topic", context.Topic);
            writer.WriteString("pubsubname", context.PubsubName);
            var traceParent = context.TraceParent ?? NewTraceParent();
            writer.WriteString("traceid", traceParent);
            writer.WriteString("traceparent", traceParent);
            writer.WriteString("tracestate", context.TraceState ?? "");
            writer.WriteString("time", FormatTime(context.Time));
            WriteData(writer, data, contentType);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Completes an envelope the app built itself: fills the required attributes it left out and sets topic
    /// and pubsubname, keeping everything else, as daprd does for application/cloudevents+json.</summary>
    /// <exception cref="JsonException">The payload is not a JSON object.</exception>
    public static byte[] Complete(ReadOnlySpan<byte> cloudEvent, Context context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var node = JsonNode.Parse(cloudEvent) as JsonObject ?? throw new JsonException("a CloudEvent must be a JSON object");
        SetIfMissing(node, "id", Guid.NewGuid().ToString());
        SetIfMissing(node, "source", context.Source);
        SetIfMissing(node, "type", EventType);
        SetIfMissing(node, "specversion", "1.0");
        SetIfMissing(node, "datacontenttype", "application/json");
        var traceParent = context.TraceParent ?? NewTraceParent();
        SetIfMissing(node, "traceid", traceParent);
        SetIfMissing(node, "traceparent", traceParent);
        SetIfMissing(node, "time", FormatTime(context.Time));
        node["topic"] = context.Topic;
        node["pubsubname"] = context.PubsubName;
        return JsonSerializer.SerializeToUtf8Bytes(node);
    }

    /// <summary>A fresh W3C traceparent (version 00, sampled).</summary>
    public static string NewTraceParent() =>
        $"00-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01";

    private static void WriteData(Utf8JsonWriter writer, ReadOnlySpan<byte> data, string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        if (IsJson(mediaType) && IsValidJson(data))
        {
            writer.WritePropertyName("data");
            writer.WriteRawValue(data, skipInputValidation: true);
        }
        else if ((mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || IsJson(mediaType)) && System.Text.Unicode.Utf8.IsValid(data))
        {
            writer.WriteString("data", Encoding.UTF8.GetString(data));
        }
        else
        {
            writer.WriteBase64String("data_base64", data);
        }
    }

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static bool IsValidJson(ReadOnlySpan<byte> data)
    {
        try
        {
            using var document = JsonDocument.Parse(data.ToArray());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void SetIfMissing(JsonObject node, string name, string value)
    {
        if (node[name] is null)
        {
            node[name] = value;
        }
    }

    // RFC 3339, as Go's time.RFC3339 that daprd uses.
    private static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
