using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IronLb.Cli.Events;

/// <summary>One public event as `ironlb events` prints it for people: time, short type, subject, version and what changed.</summary>
internal static class EventLine
{
    /// <summary>One line, e.g. "17:20:05.123 service.addresses.assigned services/shop/web v12: 203.0.113.10 (pool public)".</summary>
    public static string Render(JsonElement cloudEvent)
    {
        var type = Text(cloudEvent, "type");
        var shortType = type.StartsWith("io.ironlb.", StringComparison.Ordinal) ? type["io.ironlb.".Length..] : type;
        if (shortType.EndsWith(".v1", StringComparison.Ordinal))
        {
            shortType = shortType[..^3];
        }

        var time = DateTimeOffset.TryParse(Text(cloudEvent, "time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)
            : "--:--:--.---";
        var data = cloudEvent.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var version = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("version", out var v) ? " v" + v.GetRawText() : "";
        var line = new StringBuilder().Append(time).Append(' ').Append(shortType).Append(' ').Append(Text(cloudEvent, "subject")).Append(version);
        var detail = data.ValueKind == JsonValueKind.Object ? Detail(shortType, data) : "";
        if (detail.Length > 0)
        {
            line.Append(": ").Append(detail);
        }

        return line.ToString();
    }

    private static string Detail(string shortType, JsonElement data) => shortType switch
    {
        "service.addresses.assigned" or "service.addresses.changed" => $"{List(data, "addresses")} (pool {Text(data, "pool")})" + Was(data),
        "service.addresses.released" => "released " + List(data, "previousAddresses"),
        "service.allocation.failed" => Text(data, "reason") + Was(data),
        "layer2.owner.changed" => $"{Text(data, "reason")}: {Or(Text(data, "previousNode"), "-")} -> {Or(Text(data, "node"), "-")} (epoch {Raw(data, "epoch")})",
        "bgp.announcement.started" or "bgp.announcement.stopped" => $"{Text(data, "prefix")} to {Text(data, "peer")} ({Text(data, "peerAddress")})",
        "bgp.session.up" or "bgp.session.down" or "bfd.session.up" or "bfd.session.down" => $"{Text(data, "peer")} ({Text(data, "peerAddress")}): {Text(data, "reason")}",
        "config.accepted" => $"from {Text(data, "source")} ({Text(data, "digest")})",
        "config.rejected" => $"from {Text(data, "source")}: {List(data, "errors", "; ")}",
        _ => "",
    };

    private static string Was(JsonElement data) =>
        data.TryGetProperty("previousAddresses", out var previous) && previous.ValueKind == JsonValueKind.Array && previous.GetArrayLength() > 0
            ? ", was " + List(data, "previousAddresses")
            : "";

    private static string Or(string text, string fallback) => text.Length > 0 ? text : fallback;

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Raw(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.GetRawText() : "";

    private static string List(JsonElement element, string name, string separator = ", ") =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? string.Join(separator, value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()))
            : "";
}
