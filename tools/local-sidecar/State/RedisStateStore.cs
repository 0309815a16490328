using StackExchange.Redis;

namespace IronLb.LocalSidecar.State;

/// <summary>The state.redis layout and write rules: one hash per key with fields "data" and "version" (the ETag, HINCRBY on
/// every write) and an optional "first-write" marker.</summary>
/// <remarks>
/// Follows components-contrib state/redis/redis.go. The two scripts below are written for this sidecar but take the same
/// arguments and make the same decisions as state.redis's set and delete scripts (checked by running both on Redis 7):
/// <list type="bullet">
/// <item>a save writes when the key is absent, when the expected version equals the stored one, or when no version was
/// given ("0") and the key carries no first-write marker; otherwise the script raises "failed to set key KEY";</item>
/// <item>so a save with an ETag on an absent key creates it, and a save without one silently overwrites an unmarked key;</item>
/// <item>a delete removes the key when it is absent, when no version was given, or when the versions are equal as text;</item>
/// <item>a transaction is MULTI, one EVAL per operation, EXEC: a failing script does not undo the others, and the
/// first-write marker is never set.</item>
/// </list>
/// Raw EVAL (not EVALSHA) is sent, as state.redis does, so a Redis restarted with an empty script cache changes nothing.
/// </remarks>
internal sealed class RedisStateStore(IDatabase database)
{
    // KEYS[1] key; ARGV[1] expected version ("0" = none); ARGV[2] data; ARGV[3] "0" = set the first-write marker (absent in a transaction).
    private const string SetScript = """
        local current = redis.pcall("HGET", KEYS[1], "version")
        if type(current) == "table" then
          redis.call("DEL", KEYS[1])
          current = false
        end
        local marked = redis.call("HGET", KEYS[1], "first-write")
        if current == false or current == "" or current == ARGV[1] or (marked == false and ARGV[1] == "0") then
          redis.call("HSET", KEYS[1], "data", ARGV[2])
          if ARGV[3] == "0" then
            redis.call("HSET", KEYS[1], "first-write", 0)
          end
          return redis.call("HINCRBY", KEYS[1], "version", 1)
        end
        return error("failed to set key " .. KEYS[1])
        """;

    // KEYS[1] key; ARGV[1] expected version, compared as text ("0" = none).
    private const string DeleteScript = """
        local current = redis.pcall("HGET", KEYS[1], "version")
        if current == false or type(current) == "table" or current == "" or current == ARGV[1] or ARGV[1] == "0" then
          return redis.call("DEL", KEYS[1])
        end
        return error("failed to delete " .. KEYS[1])
        """;

    private static readonly RedisValue[] Fields = ["data", "version"];

    /// <summary>Reads one key: (null, "") when it does not exist, as daprd answers.</summary>
    public async Task<(byte[]? Data, string ETag)> GetAsync(string redisKey)
    {
        var values = await database.HashGetAsync(redisKey, Fields).ConfigureAwait(false);
        return values[1].IsNull ? (null, "") : ((byte[]?)values[0], values[1].ToString());
    }

    /// <summary>Reads several keys in one round trip.</summary>
    public async Task<IReadOnlyList<(byte[]? Data, string ETag)>> GetBulkAsync(IReadOnlyList<string> redisKeys)
    {
        var batch = database.CreateBatch();
        var reads = redisKeys.Select(k => batch.HashGetAsync(k, Fields)).ToList();
        batch.Execute();
        var results = new List<(byte[]?, string)>(reads.Count);
        foreach (var read in reads)
        {
            var values = await read.ConfigureAwait(false);
            results.Add(values[1].IsNull ? (null, "") : ((byte[]?)values[0], values[1].ToString()));
        }

        return results;
    }

    /// <summary>Runs one save or delete script on its own.</summary>
    /// <exception cref="StateScriptException">The script refused the write.</exception>
    public async Task WriteAsync(StateOperation operation)
    {
        try
        {
            await database.ExecuteAsync("EVAL", Arguments(operation)).ConfigureAwait(false);
        }
        catch (RedisServerException e)
        {
            throw new StateScriptException(operation.RedisKey, e.Message);
        }
    }

    /// <summary>Runs every operation's script inside one MULTI/EXEC: each applies or fails on its own.</summary>
    /// <exception cref="StateScriptException">At least one script refused (the first such error); the others were still applied.</exception>
    public async Task TransactAsync(IReadOnlyList<StateOperation> operations)
    {
        if (operations.Count == 0)
        {
            return;
        }

        var transaction = database.CreateTransaction();
        var results = operations.Select(op => transaction.ExecuteAsync("EVAL", Arguments(op))).ToList();
        await transaction.ExecuteAsync().ConfigureAwait(false);
        for (var i = 0; i < results.Count; i++)
        {
            try
            {
                await results[i].ConfigureAwait(false);
            }
            catch (RedisServerException e)
            {
                // The first failed command is what go-redis's Exec reports; the rest of the transaction stands.
                await ObserveRemainingAsync(results.Skip(i + 1)).ConfigureAwait(false);
                throw new StateScriptException(operations[i].RedisKey, e.Message);
            }
        }
    }

    private static async Task ObserveRemainingAsync(IEnumerable<Task<RedisResult>> rest)
    {
        foreach (var task in rest)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (RedisServerException)
            {
                // Already failed transaction: only the first error is reported.
            }
        }
    }

    private static object[] Arguments(StateOperation op)
    {
        if (op.IsDelete)
        {
            return [DeleteScript, 1, op.RedisKey, op.ExpectedVersion];
        }

        var data = op.Value!.Value.ToArray();
        return op.FirstWriteMarker is { } marker
            ? [SetScript, 1, op.RedisKey, op.ExpectedVersion, data, marker ? "0" : "1"]
            : [SetScript, 1, op.RedisKey, op.ExpectedVersion, data];
    }
}
