using System.Globalization;
using System.Text.RegularExpressions;

namespace IronLb.Dapr.Tests.Contract;

/// <summary>One ironlb-local-sidecar process, started the way a lab starts it, reachable over gRPC and HTTP on loopback.</summary>
internal sealed partial class LocalSidecar : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private LocalSidecar(ChildProcess process, int grpcPort, int httpPort)
    {
        _process = process;
        GrpcEndpoint = "http://127.0.0.1:" + grpcPort.ToString(CultureInfo.InvariantCulture);
        HttpEndpoint = "http://127.0.0.1:" + httpPort.ToString(CultureInfo.InvariantCulture);
    }

    public string GrpcEndpoint { get; }

    public string HttpEndpoint { get; }

    public string Output => _process.Output;

    /// <summary>Starts a sidecar for <paramref name="appId"/> and waits for its "ready grpc=… http=…" line.</summary>
    public static async Task<LocalSidecar> StartAsync(string appId, string podName, RedisServer redis, string resourcesPath, int? appPort = null, int? grpcPort = null, int? httpPort = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var arguments = new List<string>
        {
            SidecarAssembly(), "--app-id", appId, "--pod-name", podName, "--redis", redis.Host, "--resources-path", resourcesPath,
            "--dapr-grpc-port", (grpcPort ?? LoopbackPorts.Next()).ToString(CultureInfo.InvariantCulture),
            "--dapr-http-port", (httpPort ?? LoopbackPorts.Next()).ToString(CultureInfo.InvariantCulture),
        };
        if (appPort is { } port)
        {
            arguments.AddRange(["--app-port", port.ToString(CultureInfo.InvariantCulture)]);
        }

        var (process, ready) = await ChildProcess.StartAsync("dotnet", arguments, ReadyLine(), TimeSpan.FromSeconds(60), environment);
        return new LocalSidecar(
            process,
            int.Parse(ready.Groups["grpc"].Value, CultureInfo.InvariantCulture),
            int.Parse(ready.Groups["http"].Value, CultureInfo.InvariantCulture));
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
                using var response = await http.GetAsync(new Uri("v1.0/healthz", UriKind.Relative), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Sidecar at {HttpEndpoint} not healthy within {timeout}:\n{Output}");
            }
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    // The test project references the sidecar project, so it is built in the same configuration
    // as this assembly: bin/<Configuration>/net10.0 both sides.
    private static string SidecarAssembly()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testDirectory.Parent!.Name;
        var root = testDirectory;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "IronLb.slnx")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"No IronLb.slnx above {testDirectory.FullName}.");
        }

        var path = Path.Combine(root.FullName, "tools", "local-sidecar", "bin", configuration, "net10.0", "ironlb-local-sidecar.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("The local sidecar is not built.", path);
    }

    [GeneratedRegex(@"ready grpc=(?<grpc>\d+) http=(?<http>\d+)")]
    private static partial Regex ReadyLine();
}
