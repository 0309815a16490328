using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using IronLb.Testing;
using StackExchange.Redis;

namespace IronLb.Dapr.Tests.Sidecar.Infrastructure;

/// <summary>A real redis-server on a free loopback port with a throwaway directory and no persistence,
/// stopped by its PID when the fixture is disposed.</summary>
public sealed class RedisServer : IAsyncLifetime
{
    private const string Binary = "/usr/bin/redis-server";
    private Process? _process;
    private string? _directory;

    /// <summary>When set before <see cref="InitializeAsync"/>, the port to listen on (for tests that start Redis late).</summary>
    public int? FixedPort { get; init; }

    public int Port { get; private set; }

    /// <summary>host:port, as component metadata redisHost wants it.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public ConnectionMultiplexer? Connection { get; private set; }

    public IDatabase Database => Connection!.GetDatabase();

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install -y redis-server");
        }

        _directory = Directory.CreateTempSubdirectory("ironlb-redis-").FullName;

        // A port can be taken between probing and binding; try a few.
        for (var attempt = 0; attempt < 5 && Connection is null; attempt++)
        {
            Port = FixedPort ?? LoopbackPorts.Next();
            var start = new ProcessStartInfo(Binary)
            {
                ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", "no" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            Connection = await ConnectAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            if (Connection is null)
            {
                Stop();
            }
        }

        if (Connection is null)
        {
            throw new InvalidOperationException("redis-server did not accept connections");
        }
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }

        Stop();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task<ConnectionMultiplexer?> ConnectAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && _process is { HasExited: false })
        {
            try
            {
                return await ConnectionMultiplexer.ConnectAsync($"{Host},connectTimeout=500").ConfigureAwait(false);
            }
            catch (RedisConnectionException)
            {
                // Not listening yet: retry until the deadline.
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        return null;
    }

    private void Stop()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        _process = null;
    }
}

[CollectionDefinition(Name)]
public sealed class SharedRedis : ICollectionFixture<RedisServer>
{
    public const string Name = "redis";
}
