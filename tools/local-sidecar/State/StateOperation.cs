namespace IronLb.LocalSidecar.State;

/// <summary>One upsert or delete after key prefixing, with the arguments state.redis's scripts take.</summary>
/// <param name="RedisKey">The prefixed key.</param>
/// <param name="Value">The new value, or null for a delete.</param>
/// <param name="ExpectedVersion">The version compared with the stored one; "0" means "none given".</param>
/// <param name="HasETag">True when the caller sent a non-empty ETag: a failure is then an ETag mismatch (gRPC Aborted).</param>
/// <param name="FirstWriteMarker">True when a save sets the key's first-write marker; null inside a transaction, which never passes it.</param>
internal sealed record StateOperation(string RedisKey, ReadOnlyMemory<byte>? Value, string ExpectedVersion, bool HasETag, bool? FirstWriteMarker)
{
    public bool IsDelete => Value is null;
}

/// <summary>A script refused a write (state.redis: "failed to set key K" / "failed to delete K"); the text is Redis's error reply.</summary>
internal sealed class StateScriptException(string redisKey, string message) : Exception(message)
{
    public string RedisKey { get; } = redisKey;
}

/// <summary>An ETag that is not an integer, refused before anything is written (components-contrib state.ETagError, kind invalid).</summary>
internal sealed class InvalidETagException(string etag)
    : Exception($"invalid etag value: strconv.Atoi: parsing \"{etag}\": invalid syntax");
