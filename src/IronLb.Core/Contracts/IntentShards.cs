using System.Globalization;
using System.Text;

namespace IronLb.Core.Contracts;

/// <summary>Where a Service's announcement intent is stored: one of a fixed number of shard documents, by a hash of its name.</summary>
/// <remarks>
/// state.redis has no way to list keys, so a reader that starts from nothing must be able to name every key that may
/// hold an intent: the shard count is fixed, and the mapping is a hash that never changes between versions or
/// processes (FNV-1a over the UTF-8 of "namespace/name", not <see cref="string.GetHashCode()"/>). One Service change
/// rewrites the one shard that holds it; with 10,000 Services a shard holds about 40 intents.
/// </remarks>
public static class IntentShards
{
    /// <summary>How many shards there are. Changing it moves Services between keys: a stored layout change, not a tunable.</summary>
    public const int Count = 256;

    private const string Prefix = "intents/";

    /// <summary>Every shard's state key, in shard order.</summary>
    public static IReadOnlyList<string> AllKeys { get; } = [.. Enumerable.Range(0, Count).Select(Key)];

    /// <summary>The shard of the Service <paramref name="namespace"/>/<paramref name="name"/>.</summary>
    public static int Of(string @namespace, string name)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(name);
        const uint offsetBasis = 2166136261;
        const uint prime = 16777619;
        var hash = offsetBasis;
        Span<byte> buffer = stackalloc byte[256];
        var text = @namespace + "/" + name;
        var bytes = Encoding.UTF8.GetByteCount(text) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(text, buffer)] : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
        {
            hash = unchecked((hash ^ b) * prime);
        }

        return (int)(hash % Count);
    }

    /// <summary>The state key of <paramref name="shard"/>: "intents/000" to "intents/255".</summary>
    public static string Key(int shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, Count);
        return Prefix + shard.ToString("D3", CultureInfo.InvariantCulture);
    }
}

/// <summary>Reads the shards a doorbell names, without trusting the event for anything else.</summary>
public static class StateChangedReader
{
    /// <summary>The shards named by a <see cref="StateChanged"/> payload; null (re-read everything) when it names none or cannot be read.</summary>
    public static IReadOnlyList<int>? ShardsOf(ReadOnlySpan<byte> payload)
    {
        try
        {
            return ContractJson.Deserialize<StateChanged>(payload)?.Shards;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
