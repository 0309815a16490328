namespace IronLb.LocalSidecar.State;

/// <summary>One write in a save, delete or transaction, after key prefixing.</summary>
/// <param name="RedisKey">The prefixed key.</param>
/// <param name="Value">The new value, or null for a delete.</param>
/// <param name="ETag">The expected version, or null when the caller gave none.</param>
/// <param name="FirstWrite">StateOptions concurrency first-write: with no ETag, an upsert only creates.</param>
internal sealed record StateOperation(string RedisKey, ReadOnlyMemory<byte>? Value, string? ETag, bool FirstWrite)
{
    public bool IsDelete => Value is null;
}

/// <summary>A write whose ETag did not match (daprd answers gRPC Aborted).</summary>
internal sealed class ETagMismatchException(string key) : Exception($"possible etag mismatch for key {key}")
{
    public string Key { get; } = key;
}

/// <summary>An ETag that is not a version number (daprd answers gRPC InvalidArgument).</summary>
internal sealed class InvalidETagException(string etag) : Exception($"invalid etag value: {etag}");
