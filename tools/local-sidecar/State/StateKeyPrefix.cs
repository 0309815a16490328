namespace IronLb.LocalSidecar.State;

/// <summary>Maps an app's state key to the Redis key, following state.redis keyPrefix
/// (https://docs.dapr.io/developing-applications/building-blocks/state-management/howto-share-state/).</summary>
internal static class StateKeyPrefix
{
    /// <summary>The separator Dapr reserves in its key scheme; a state key may not contain it.</summary>
    public const string Separator = "||";

    /// <summary>appid: "APPID||key"; name: "STORE||key"; namespace: "NS.APPID||key"; none: "key"; anything else is a literal prefix.</summary>
    /// <exception cref="ArgumentException">The key contains "||" (https://docs.dapr.io/reference/api/state_api/#key-scheme).</exception>
    public static string Apply(string keyPrefix, string storeName, string appId, string? ns, string key)
    {
        if (key.Contains(Separator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"input key '{key}' can't contain '{Separator}'", nameof(key));
        }

        return keyPrefix.ToUpperInvariant() switch
        {
            "APPID" => $"{appId}||{key}",
            "NAME" => $"{storeName}||{key}",
            "NAMESPACE" => string.IsNullOrEmpty(ns) ? $"{appId}||{key}" : $"{ns}.{appId}||{key}",
            "NONE" => key,
            _ => $"{keyPrefix}||{key}",
        };
    }
}
