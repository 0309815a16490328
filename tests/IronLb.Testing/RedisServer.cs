using System.Globalization;
using System.Text.RegularExpressions;

namespace IronLb.Testing;

/// <summary>A throwaway redis-server on a loopback port with persistence off, in a temp directory of its own.</summary>
public sealed partial class RedisServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private readonly ChildProcess _process;
    private readonly string _directory;

    private RedisServer(ChildProcess process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Host => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install -y redis-server");
        }

        var directory = Directory.CreateTempSubdirectory("ironlb-redis-").FullName;
        var port = LoopbackPorts.Next();
        string[] arguments =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory,
            "--save", "", "--appendonly", "no", "--protected-mode", "yes",
        ];
        try
        {
            var (process, _) = await ChildProcess.StartAsync(Binary, arguments, ReadyLine(), TimeSpan.FromSeconds(20));
            return new RedisServer(process, directory, port);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [GeneratedRegex("Ready to accept connections")]
    private static partial Regex ReadyLine();
}
