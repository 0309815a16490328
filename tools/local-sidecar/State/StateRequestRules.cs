using System.Globalization;
using Dapr.Client.Autogen.Grpc.v1;

namespace IronLb.LocalSidecar.State;

/// <summary>How daprd turns a state request item into state.redis script arguments: pure, no Redis.</summary>
/// <remarks>
/// Follows dapr/dapr pkg/api/grpc/grpc.go (SaveState, DeleteState, ExecuteStateTransaction build the requests) and
/// components-contrib state/redis/redis.go (parseETag, Set, Delete, Multi). A request ETag that is present but empty
/// counts as none; with concurrency last-write an ETag is ignored for a save; the expected version "0" stands for
/// "none", and then the set script overwrites any key that carries no first-write marker.
/// </remarks>
internal static class StateRequestRules
{
    /// <summary>A save (SaveState item) or a transactional upsert (<paramref name="inTransaction"/>: no first-write marker argument).</summary>
    /// <exception cref="InvalidETagException">The ETag is used and is not an integer.</exception>
    public static StateOperation Upsert(string redisKey, ReadOnlyMemory<byte> value, Etag? etag, StateOptions? options, bool inTransaction)
    {
        var concurrency = options?.Concurrency ?? StateOptions.Types.StateConcurrency.ConcurrencyUnspecified;
        var hasETag = !string.IsNullOrEmpty(etag?.Value);
        var version = "0";
        if (hasETag && concurrency != StateOptions.Types.StateConcurrency.ConcurrencyLastWrite)
        {
            version = long.TryParse(etag!.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
                ? parsed.ToString(CultureInfo.InvariantCulture)
                : throw new InvalidETagException(etag.Value);
        }

        bool? marker = inTransaction ? null : concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;
        return new StateOperation(redisKey, value, version, hasETag, marker);
    }

    /// <summary>A delete: the ETag is compared as text, and none at all deletes unconditionally.</summary>
    public static StateOperation Delete(string redisKey, Etag? etag)
    {
        var hasETag = !string.IsNullOrEmpty(etag?.Value);
        return new StateOperation(redisKey, null, hasETag ? etag!.Value : "0", hasETag, null);
    }
}
