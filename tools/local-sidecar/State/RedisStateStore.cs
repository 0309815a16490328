using System.Globalization;
using StackExchange.Redis;

namespace IronLb.LocalSidecar.State;

/// <summary>The state.redis layout: one hash per key with fields "data" and "version"; the version is the ETag.</summary>
internal sealed class RedisStateStore(IDatabase database)
{
    // All writes go through one script so that a transaction is checked as a whole before anything is written:
    // pass 1 checks every ETag against the state as the earlier operations of the same batch leave it, pass 2 writes.
    // Redis runs a script atomically, so no other client sees a half-applied batch.
    // ARGV per operation: kind (u|d), etag ("" = none), first-write (1|0), data. Returns 0 or the 1-based failing index.
    private const string WriteScript = """
        local cur = {}
        for i = 1, #KEYS do
          local k = KEYS[i]
          local b = (i - 1) * 4
          local kind, etag, fw = ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
          local v = cur[k]
          if v == nil then
            v = redis.call('HGET', k, 'version')
            if not v then v = false end
          end
          if etag ~= '' then
            if v == false then
              if kind == 'u' then return i end
            elseif v ~= etag then
              return i
            end
          elseif kind == 'u' and fw == '1' and v ~= false then
            return i
          end
          if kind == 'u' then
            if v == false then cur[k] = '1' else cur[k] = tostring(tonumber(v) + 1) end
          else
            cur[k] = false
          end
        end
        for i = 1, #KEYS do
          local k = KEYS[i]
          local b = (i - 1) * 4
          if ARGV[b + 1] == 'u' then
            redis.call('HSET', k, 'data', ARGV[b + 4])
            redis.call('HINCRBY', k, 'version', 1)
          else
            redis.call('DEL', k)
          end
        end
        return 0
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

    /// <summary>Applies <paramref name="operations"/> all or nothing.</summary>
    /// <exception cref="ETagMismatchException">An ETag did not match, or first-write found the key present; nothing was written.</exception>
    /// <exception cref="InvalidETagException">An ETag is not a version number.</exception>
    public async Task WriteAsync(IReadOnlyList<StateOperation> operations)
    {
        if (operations.Count == 0)
        {
            return;
        }

        var keys = new RedisKey[operations.Count];
        var args = new RedisValue[operations.Count * 4];
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            if (!string.IsNullOrEmpty(op.ETag) && !long.TryParse(op.ETag, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new InvalidETagException(op.ETag);
            }

            keys[i] = op.RedisKey;
            args[(i * 4) + 0] = op.IsDelete ? "d" : "u";
            args[(i * 4) + 1] = op.ETag ?? "";
            args[(i * 4) + 2] = op.FirstWrite ? "1" : "0";
            args[(i * 4) + 3] = op.Value is { } value ? value : RedisValue.EmptyString;
        }

        var failed = (long)await database.ScriptEvaluateAsync(WriteScript, keys, args).ConfigureAwait(false);
        if (failed > 0)
        {
            throw new ETagMismatchException(operations[(int)failed - 1].RedisKey);
        }
    }
}
