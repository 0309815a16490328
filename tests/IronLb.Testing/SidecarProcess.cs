using System.Globalization;
using System.Text.RegularExpressions;

namespace IronLb.Testing;

/// <summary>
/// One Dapr sidecar process, started the way a lab starts it, reachable over gRPC and HTTP on loopback: real daprd
/// when it is on the PATH, otherwise ironlb-local-sidecar (IRONLB_SIDECAR=local forces the latter). Either way the
/// components in <c>resourcesPath</c> must name the test's Redis as their redisHost.
/// </summary>
public sealed partial class SidecarProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private SidecarProcess(ChildProcess process, int grpcPort, int httpPort)
    {
        _process = process;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
    }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public string GrpcEndpoint => "http://127.0.0.1:" + GrpcPort.ToString(CultureInfo.InvariantCulture);

    public string HttpEndpoint => "http://127.0.0.1:" + HttpPort.ToString(CultureInfo.InvariantCulture);

    public string Output => _process.Output;

    /// <summary>Starts a sidecar for <paramref name="appId"/> (inside <paramref name="netns"/> when given) and waits for its ready line.</summary>
    public static async Task<SidecarProcess> StartAsync(
        string appId, string podName, RedisServer redis, string resourcesPath, int? appPort = null, int? grpcPort = null, int? httpPort = null,
        IReadOnlyDictionary<string, string>? environment = null, string? netns = null)
    {
        int grpc = grpcPort ?? LoopbackPorts.Next();
        int http = httpPort ?? LoopbackPorts.Next();
        if (Daprd() is { } daprd)
        {
            // daprd in self-hosted mode: {podName} in component metadata comes from POD_NAME.
            var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["POD_NAME"] = podName };
            var daprdArguments = new List<string>
            {
                "--app-id", appId, "--resources-path", resourcesPath, "--app-protocol", "http",
                "--dapr-grpc-port", grpc.ToString(CultureInfo.InvariantCulture), "--dapr-http-port", http.ToString(CultureInfo.InvariantCulture),
                "--metrics-port", LoopbackPorts.Next().ToString(CultureInfo.InvariantCulture),
                "--dapr-internal-grpc-port", LoopbackPorts.Next().ToString(CultureInfo.InvariantCulture),
            };
            if (appPort is { } daprdAppPort)
            {
                daprdArguments.AddRange(["--app-port", daprdAppPort.ToString(CultureInfo.InvariantCulture)]);
            }

            var (daprdFile, daprdArgs) = NetworkNamespace.Wrap(netns, daprd, daprdArguments);
            var (started, _) = await ChildProcess.StartAsync(daprdFile, daprdArgs, DaprdReadyLine(), TimeSpan.FromSeconds(60), env).ConfigureAwait(false);
            return new SidecarProcess(started, grpc, http);
        }

        var arguments = new List<string>
        {
            RepositoryLayout.BuiltAssembly("tools/local-sidecar", "ironlb-local-sidecar"),
            "--app-id", appId, "--pod-name", podName, "--redis", redis.Host, "--resources-path", resourcesPath,
            "--dapr-grpc-port", grpc.ToString(CultureInfo.InvariantCulture),
            "--dapr-http-port", http.ToString(CultureInfo.InvariantCulture),
        };
        if (appPort is { } port)
        {
            arguments.AddRange(["--app-port", port.ToString(CultureInfo.InvariantCulture)]);
        }

        var (file, args) = NetworkNamespace.Wrap(netns, "dotnet", arguments);
        var (process, ready) = await ChildProcess.StartAsync(file, args, ReadyLine(), TimeSpan.FromSeconds(60), environment).ConfigureAwait(false);
        return new SidecarProcess(
            process,
            int.Parse(ready.Groups["grpc"].Value, CultureInfo.InvariantCulture),
            int.Parse(ready.Groups["http"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The daprd on the PATH, unless IRONLB_SIDECAR=local asks for the local sidecar.</summary>
    public static string? Daprd()
    {
        if (Environment.GetEnvironmentVariable("IRONLB_SIDECAR") == "local")
        {
            return null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "daprd"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Waits (bounded) until /v1.0/healthz answers 2xx: the app channel is up and every consumer group exists.</summary>
    /// <remarks>
    /// The ready line only says the sidecar listens; like daprd, it reports healthy once it has read the
    /// app's subscriptions and created their consumer groups, and a group starts at the stream's end,
    /// so events published before then would never reach it.
    /// </remarks>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = new Uri(HttpEndpoint), Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("v1.0/healthz", UriKind.Relative), deadline.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Sidecar at {HttpEndpoint} not healthy within {timeout}:\n{Output}");
            }
        }
    }

    /// <summary>SIGKILL by PID, as a crash would end it.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@"ready grpc=(?<grpc>\d+) http=(?<http>\d+)")]
    private static partial Regex ReadyLine();

    [GeneratedRegex("dapr initialized")]
    private static partial Regex DaprdReadyLine();
}
