using IronLb.Core.Contracts;
using IronLb.Core.State;

namespace IronLb.Ipam.Tests.Planning;

/// <summary>Reads every stored intents shard as one set, the way a consumer starting from nothing does.</summary>
internal static class StoredIntentShards
{
    public static async Task<IntentSet> ReadAllAsync(IStateStore store)
    {
        var reader = new IntentShardReader(store);
        await reader.RefreshAsync(CancellationToken.None);
        return reader.Current;
    }
}
