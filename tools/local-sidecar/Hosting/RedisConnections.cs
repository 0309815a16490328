using System.Collections.Concurrent;
using StackExchange.Redis;

namespace IronLb.LocalSidecar.Hosting;

/// <summary>One multiplexed Redis connection per redisHost, shared by the components that name it.</summary>
internal sealed class RedisConnections : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ConnectionMultiplexer>>> _connections = new(StringComparer.Ordinal);

    public async Task<IDatabase> GetDatabaseAsync(string redisHost)
    {
        // abortConnect=false: a Redis that starts after the sidecar is picked up by reconnects instead of failing the call forever.
        var lazy = _connections.GetOrAdd(redisHost, host => new Lazy<Task<ConnectionMultiplexer>>(
            () => ConnectionMultiplexer.ConnectAsync($"{host},abortConnect=false,connectTimeout=5000,syncTimeout=5000,asyncTimeout=5000")));
        var connection = await lazy.Value.ConfigureAwait(false);
        return connection.GetDatabase();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _connections.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                await lazy.Value.Result.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
