using System.Globalization;
using System.Text.RegularExpressions;
using IronLb.Testing;

namespace IronLb.EndToEnd.Tests;

/// <summary>`ironlb run` as a separate process, the way a user starts it, on a loopback port of its own.</summary>
internal sealed partial class IronLbProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _state;

    private IronLbProcess(ChildProcess process, string state, int port)
    {
        _process = process;
        _state = state;
        StatusPort = port;
        Status = new StatusClient("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
    }

    public StatusClient Status { get; }

    /// <summary>The loopback port of /status (--listen).</summary>
    public int StatusPort { get; }

    /// <summary>The --state folder.</summary>
    public string StateDirectory => _state;

    public string Output => _process.Output;

    /// <summary>
    /// Starts `ironlb run`. By default in this machine's own network namespace with --dry-run (compute everything, send
    /// nothing); inside <paramref name="netns"/> it announces for real, and /status is reachable only from there.
    /// </summary>
    public static async Task<IronLbProcess> StartAsync(string configDirectory, string node, string? stateDirectory = null, string? netns = null)
    {
        var state = stateDirectory ?? Directory.CreateTempSubdirectory("ironlb-state-").FullName;
        var port = LoopbackPorts.Next();
        List<string> arguments =
        [
            RepositoryLayout.BuiltAssembly("src/IronLb.Cli", "ironlb"), "run", "--config", configDirectory, "--node", node,
            "--state", state, "--listen", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
        ];
        if (netns is null)
        {
            arguments.Add("--dry-run");
        }

        var (file, args) = NetworkNamespace.Wrap(netns, "dotnet", arguments);
        var (process, _) = await ChildProcess.StartAsync(file, args, ListeningLine(), TimeSpan.FromSeconds(60));
        return new IronLbProcess(process, state, port);
    }

    /// <summary>SIGTERM, then the exit code (null if it did not exit in time).</summary>
    public Task<int?> TerminateAsync() => _process.TerminateAsync(TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync()
    {
        Status.Dispose();
        await _process.DisposeAsync();
    }

    [GeneratedRegex("Now listening on")]
    private static partial Regex ListeningLine();
}
