using System.Globalization;
using System.Text.RegularExpressions;

namespace IronLb.Testing;

/// <summary>A throwaway redis-server on a loopback port in a temp directory of its own: persistence off, or AOF as
/// deploy/redis runs it; it can be restarted on the same port and paused.</summary>
public sealed partial class RedisServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private readonly string _directory;
    private readonly string? _netns;
    private readonly bool _appendOnly;
    private ChildProcess _process;

    private RedisServer(ChildProcess process, string directory, string address, int port, string? netns, bool appendOnly)
    {
        _process = process;
        _directory = directory;
        Address = address;
        Port = port;
        _netns = netns;
        _appendOnly = appendOnly;
    }

    public string Address { get; }

    public int Port { get; }

    public string Host => Address + ":" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts one on loopback, or inside <paramref name="netns"/> listening on <paramref name="address"/> there;
    /// with <paramref name="appendOnly"/>, with the AOF settings of deploy/redis/redis.yaml (appendonly, fsync every second).</summary>
    public static async Task<RedisServer> StartAsync(string? netns = null, string address = "127.0.0.1", bool appendOnly = false)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: apt-get install -y redis-server");
        }

        var directory = Directory.CreateTempSubdirectory("ironlb-redis-").FullName;
        var port = LoopbackPorts.Next();
        try
        {
            return new RedisServer(await LaunchAsync(netns, address, port, directory, appendOnly), directory, address, port, netns, appendOnly);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Stops it with SIGTERM (Redis flushes its AOF and exits, as when its pod is deleted) and starts it again on the same
    /// port. With <paramref name="wipe"/> its files are removed in between, so it comes back empty: what a restart costs
    /// when persistence is off.
    /// </summary>
    public async Task RestartAsync(bool wipe)
    {
        await _process.TerminateAsync(TimeSpan.FromSeconds(20));
        await _process.DisposeAsync();
        if (wipe)
        {
            foreach (var entry in new DirectoryInfo(_directory).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo folder)
                {
                    folder.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }

        _process = await LaunchAsync(_netns, Address, Port, _directory, _appendOnly);
    }

    /// <summary>SIGSTOP: Redis stalls; connections stay open and requests queue.</summary>
    public Task PauseAsync() => _process.PauseAsync();

    /// <summary>SIGCONT after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync() => _process.ResumeAsync();

    private static async Task<ChildProcess> LaunchAsync(string? netns, string address, int port, string directory, bool appendOnly)
    {
        string[] arguments =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", address, "--dir", directory,
            "--save", "", "--protected-mode", netns is null ? "yes" : "no",
            .. appendOnly ? ["--appendonly", "yes", "--appendfsync", "everysec"] : new[] { "--appendonly", "no" },
        ];
        var (file, args) = NetworkNamespace.Wrap(netns, Binary, arguments);
        var (process, _) = await ChildProcess.StartAsync(file, args, ReadyLine(), TimeSpan.FromSeconds(20));
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [GeneratedRegex("Ready to accept connections")]
    private static partial Regex ReadyLine();
}
