using System.Globalization;
using System.Text.RegularExpressions;

namespace IronLb.Testing;

/// <summary>One IronLB service run on its own as a Dapr app, beside a local sidecar of its own.</summary>
public sealed partial class DaprAppProcess : IAsyncDisposable
{
    private readonly Func<Task<SidecarProcess>> _startSidecar;
    private readonly Func<Task<ChildProcess>> _startApp;
    private SidecarProcess _sidecar;
    private ChildProcess _app;

    private DaprAppProcess(string appId, SidecarProcess sidecar, ChildProcess app, int appPort, Func<Task<SidecarProcess>> startSidecar, Func<Task<ChildProcess>> startApp)
    {
        AppId = appId;
        _sidecar = sidecar;
        _app = app;
        _startSidecar = startSidecar;
        _startApp = startApp;
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
            // A restarted sidecar takes the same ports, so the app finds it where it was.
            var (grpcPort, httpPort) = (sidecar.GrpcPort, sidecar.HttpPort);
            Task<SidecarProcess> StartSidecar() => SidecarProcess.StartAsync(appId, podName ?? appId + "-0", redis, resourcesPath, appPort, grpcPort, httpPort, netns: netns);
            var environment = new Dictionary<string, string>(settings)
            {
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:" + appPort.ToString(CultureInfo.InvariantCulture),
                ["DAPR_GRPC_PORT"] = grpcPort.ToString(CultureInfo.InvariantCulture),
                ["DAPR_HTTP_PORT"] = httpPort.ToString(CultureInfo.InvariantCulture),
            };
            var (file, arguments) = NetworkNamespace.Wrap(netns, "dotnet", [RepositoryLayout.BuiltAssembly(projectDirectory, assemblyName)]);
            async Task<ChildProcess> StartApp() => (await ChildProcess.StartAsync(file, arguments, ListeningLine(), TimeSpan.FromSeconds(90), environment)).Process;
            return new DaprAppProcess(appId, sidecar, await StartApp(), appPort, StartSidecar, StartApp);
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

    /// <summary>Starts the service again, as before, after it was killed or terminated.</summary>
    public async Task RestartAppAsync()
    {
        await _app.DisposeAsync();
        _app = await _startApp();
    }

    /// <summary>Starts the sidecar again on its old ports after it was killed.</summary>
    public async Task RestartSidecarAsync()
    {
        await _sidecar.DisposeAsync();
        _sidecar = await _startSidecar();
    }

    public async ValueTask DisposeAsync()
    {
        Status.Dispose();
        await _app.DisposeAsync();
        await _sidecar.DisposeAsync();
    }

    [GeneratedRegex("Now listening on")]
    private static partial Regex ListeningLine();
}
