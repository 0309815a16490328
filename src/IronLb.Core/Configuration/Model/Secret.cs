namespace IronLb.Core.Configuration;

/// <summary>v1 Secret, read only so that a BGPPeer's passwordSecret can be checked and resolved.</summary>
public sealed record Secret() : ManifestObject(KindName)
{
    public const string KindName = "Secret";

    /// <summary>The type MetalLB requires of a BGP password secret.</summary>
    public const string BasicAuthType = "kubernetes.io/basic-auth";

    /// <summary>The secret type; "Opaque" when the manifest names none, as Kubernetes defaults it.</summary>
    public string Type { get; init; } = "Opaque";

    /// <summary>data: base64 values as written.</summary>
    public StringMap Data { get; init; } = StringMap.Empty;

    /// <summary>stringData: clear-text values as written.</summary>
    public StringMap StringData { get; init; } = StringMap.Empty;

    /// <summary>True when the key is present in data or stringData.</summary>
    public bool HasKey(string key) => Data.ContainsKey(key) || StringData.ContainsKey(key);

    /// <summary>The clear-text value of a key (stringData wins, as the API server merges it over data), or null when absent or not valid base64.</summary>
    public string? GetValue(string key)
    {
        if (StringData.TryGetValue(key, out var text))
        {
            return text;
        }

        if (!Data.TryGetValue(key, out var encoded))
        {
            return null;
        }

        var buffer = new byte[encoded.Length];
        return Convert.TryFromBase64String(encoded, buffer, out var written) ? System.Text.Encoding.UTF8.GetString(buffer, 0, written) : null;
    }
}
