namespace IronLb.LocalSidecar.State;

/// <summary>Maps an app's state key to the Redis key, following state.redis keyPrefix
/// (https://docs.dapr.io/developing-applications/building-blocks/state-management/howto-share-state/).</summary>
internal static class StateKeyPrefix
{
    /// <summary>appid: "APPID||key"; name: "STORE||key"; namespace: "NS.APPID||key"; none: "key"; anything else is a literal prefix.</summary>
    public static string Apply(string keyPrefix, string storeName, string appId, string? ns, string key) =>
        keyPrefix.ToUpperInvariant() switch
        {
            "APPID" => $"{appId}||{key}",
            "NAME" => $"{storeName}||{key}",
            "NAMESPACE" => string.IsNullOrEmpty(ns) ? $"{appId}||{key}" : $"{ns}.{appId}||{key}",
            "NONE" => key,
            _ => $"{keyPrefix}||{key}",
        };
}
