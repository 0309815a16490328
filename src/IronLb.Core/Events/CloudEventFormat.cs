using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IronLb.Core.Contracts;

namespace IronLb.Core.Events;

/// <summary>Writes an <see cref="IntegrationEvent"/> as a CloudEvents 1.0 JSON envelope (structured mode, application/cloudevents+json).</summary>
public static class CloudEventFormat
{
    /// <summary>The media type of a structured-mode CloudEvent; Dapr passes such a payload through with its own attributes kept.</summary>
    public const string ContentType = "application/cloudevents+json";

    /// <summary>The envelope's JSON bytes: specversion, id, source, type, subject, time, datacontenttype and data, where data
    /// is the type's fields plus version and previousVersion.</summary>
    public static byte[] Write(IntegrationEvent integrationEvent, string source, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        var data = JsonSerializer.SerializeToNode(integrationEvent.Data, integrationEvent.Data.GetType(), ContractJson.Options) as JsonObject
            ?? throw new ArgumentException("event data must serialise to a JSON object", nameof(integrationEvent));
        data["version"] = integrationEvent.Version;
        data["previousVersion"] = integrationEvent.PreviousVersion;
        var envelope = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = integrationEvent.Id,
            ["source"] = source,
            ["type"] = integrationEvent.Type,
            ["subject"] = integrationEvent.Subject,

            // RFC 3339 in UTC with milliseconds.
            ["time"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["datacontenttype"] = "application/json",
            ["data"] = data,
        };
        return JsonSerializer.SerializeToUtf8Bytes(envelope);
    }
}
