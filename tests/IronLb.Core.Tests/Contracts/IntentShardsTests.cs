using IronLb.Core.Contracts;

namespace IronLb.Core.Tests.Contracts;

public sealed class IntentShardsTests
{
    [Fact]
    public void Of_SameService_SameShardInEveryProcessAndVersion()
    {
        // Pinned: a restart or a newer version must find every Service where an older one stored it.
        Assert.Equal(IntentShards.Of("default", "web"), IntentShards.Of("default", "web"));
        Assert.Equal(Fnv1a("default/web") % IntentShards.Count, (uint)IntentShards.Of("default", "web"));
        Assert.Equal(Fnv1a("ns/ü-long-" + new string('x', 300)) % IntentShards.Count, (uint)IntentShards.Of("ns", "ü-long-" + new string('x', 300)));
    }

    [Fact]
    public void Of_TenThousandServices_SpreadOverEveryShardWithoutHotSpot()
    {
        var counts = new int[IntentShards.Count];
        for (var i = 0; i < 10_000; i++)
        {
            counts[IntentShards.Of("ns-" + (i % 37), "svc-" + i)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 1, 3 * 10_000 / IntentShards.Count));
    }

    [Fact]
    public void Key_EveryShard_DistinctAndListedInAllKeys()
    {
        var keys = Enumerable.Range(0, IntentShards.Count).Select(IntentShards.Key).ToList();

        Assert.Equal(IntentShards.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(keys, IntentShards.AllKeys);
        Assert.Equal("intents/007", IntentShards.Key(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => IntentShards.Key(IntentShards.Count));
    }

    [Fact]
    public void ShardsOf_EventWithoutShards_NullMeaningEveryShard()
    {
        Assert.Null(StateChangedReader.ShardsOf("""{"version":4}"""u8));
        Assert.Null(StateChangedReader.ShardsOf("not json"u8));
        Assert.Equal([3, 9], StateChangedReader.ShardsOf("""{"version":4,"shards":[3,9]}"""u8));
    }

    // The reference definition, written out independently of the implementation.
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return hash;
    }
}
