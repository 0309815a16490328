using System.Text.Json;
using System.Text.Json.Serialization;

namespace IronLb.Core.Contracts;

/// <summary>The one JSON form of every state document and event, so every service reads what another wrote.</summary>
public static class ContractJson
{
    /// <summary>camelCase, enums as strings, no indentation.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T? Deserialize<T>(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<T>(json, Options);
}
