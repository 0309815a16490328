using System.Globalization;
using System.Text.RegularExpressions;

namespace IronLb.Testing;

/// <summary>One IronLB service run on its own as a Dapr app, beside a local sidecar of its own.</summary>
public sealed partial class DaprAppProcess : IAsyncDisposable
{
    private readonly SidecarProcess _sidecar;
    private readonly ChildProcess _app;

    private DaprAppProcess(string appId, SidecarProcess sidecar, ChildProcess app, int appPort)
    {
        AppId = appId;
        _sidecar = sidecar;
        _app = app;
        Status = new StatusClient("http://127.0.0.1:" + appPort.ToString(CultureInfo.InvariantCulture));
    }

    public string AppId { get; }

    public StatusClient Status { get; }

    public string Output => $"--- {AppId} ---\n{_app.Output}\n--- {AppId} sidecar ---\n{_sidecar.Output}";

    /// <summary>
    /// Starts the sidecar, then the service built from <paramref name="projectDirectory"/>, pointed at each other; both
    /// inside <paramref name="netns"/> when given (then /status is reachable only from there).
    /// </summary>
    public static async Task<DaprAppProcess> StartAsync(
        string appId, string projectDirectory, string assemblyName, RedisServer redis, string resourcesPath, IReadOnlyDictionary<string, string> settings,
        string? netns = null, string? podName = null)
    {
        var appPort = LoopbackPorts.Next();
        var sidecar = await SidecarProcess.StartAsync(appId, podName ?? appId + "-0", redis, resourcesPath, appPort, netns: netns);
        try
        {
            var environment = new Dictionary<string, string>(settings)
            {
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:" + appPort.ToString(CultureInfo.InvariantCulture),
                ["DAPR_GRPC_PORT"] = sidecar.GrpcPort.ToString(CultureInfo.InvariantCulture),
                ["DAPR_HTTP_PORT"] = sidecar.HttpPort.ToString(CultureInfo.InvariantCulture),
            };
            var (file, arguments) = NetworkNamespace.Wrap(netns, "dotnet", [RepositoryLayout.BuiltAssembly(projectDirectory, assemblyName)]);
            var (app, _) = await ChildProcess.StartAsync(file, arguments, ListeningLine(), TimeSpan.FromSeconds(90), environment);
            return new DaprAppProcess(appId, sidecar, app, appPort);
        }
        catch
        {
            await sidecar.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ends the service (not its sidecar) with SIGTERM, as a rolling update does; true when it exited in time.</summary>
    public async Task<bool> TerminateAppAsync() => await _app.TerminateAsync(TimeSpan.FromSeconds(15)) is not null;

    /// <summary>Ends the service (not its sidecar) with SIGKILL, as a crash does.</summary>
    public Task KillAppAsync() => _app.KillAsync();

    /// <summary>Stalls the service (not its sidecar) with SIGSTOP.</summary>
    public Task PauseAppAsync() => _app.PauseAsync();

    /// <summary>Lets the service run again with SIGCONT.</summary>
    public Task ResumeAppAsync() => _app.ResumeAsync();

    /// <summary>Ends the sidecar with SIGKILL, leaving the service without its store and bus.</summary>
    public Task KillSidecarAsync() => _sidecar.KillAsync();

    public async ValueTask DisposeAsync()
    {
        Status.Dispose();
        await _app.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    [GeneratedRegex("Now listening on")]
    private static partial Regex ListeningLine();
}
