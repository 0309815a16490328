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
        var lazy = _connections.GetOrAdd(redisHost, host => new Lazy<Task<ConnectionMultiplexer>>(() =>
        {
            var configuration = ConfigurationOptions.Parse($"{host},abortConnect=false,connectTimeout=5000,syncTimeout=5000,asyncTimeout=5000");

            // A lab restarts Redis; reconnect every 500 ms instead of the default growing backoff.
            configuration.ReconnectRetryPolicy = new LinearRetry(500);

            // While disconnected, fail calls at once (gRPC Internal to the app, a retry for the subscriber loop)
            // rather than queueing them until the 5 s timeout: callers retry with their own backoff.
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            return ConnectionMultiplexer.ConnectAsync(configuration);
        }));
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
