using System.Globalization;
using System.Text.RegularExpressions;

namespace IronLb.Testing;

/// <summary>A throwaway redis-server on a loopback port with persistence off, in a temp directory of its own.</summary>
public sealed partial class RedisServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private readonly ChildProcess _process;
    private readonly string _directory;

    private RedisServer(ChildProcess process, string directory, string address, int port)
    {
        _process = process;
        _directory = directory;
        Address = address;
        Port = port;
    }

    public string Address { get; }

    public int Port { get; }

    public string Host => Address + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts one on loopback, or inside <paramref name="netns"/> listening on <paramref name="address"/> there.</summary>
    public static async Task<RedisServer> StartAsync(string? netns = null, string address = "127.0.0.1")
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install -y redis-server");
        }

        var directory = Directory.CreateTempSubdirectory("ironlb-redis-").FullName;
        var port = LoopbackPorts.Next();
        string[] arguments =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", address, "--dir", directory,
            "--save", "", "--appendonly", "no", "--protected-mode", netns is null ? "yes" : "no",
        ];
        try
        {
            var (file, args) = NetworkNamespace.Wrap(netns, Binary, arguments);
            var (process, _) = await ChildProcess.StartAsync(file, args, ReadyLine(), TimeSpan.FromSeconds(20));
            return new RedisServer(process, directory, address, port);
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
