using System.Diagnostics;
using System.Text.RegularExpressions;
using global::Dapr.Client;
using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using IronLb.LocalSidecar.Hosting;

namespace IronLb.Dapr.Tests.Sidecar;

/// <summary>The sidecar as lab scripts and contract tests launch it: a process, its "ready" line, SIGTERM.</summary>
[Collection(SharedRedis.Name)]
public sealed partial class ProcessTests(RedisServer redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Launch_PortsZero_PrintsReadyServesApiAndExitsZeroOnSigterm()
    {
        using var process = Launch("--app-id", "proc-" + Guid.NewGuid().ToString("N")[..8], "--dapr-grpc-port", "0", "--dapr-http-port", "0", "--redis", redis.Host);
        try
        {
            var ready = await ReadLineAsync(process);
            var match = ReadyLine().Match(ready ?? "");
            Assert.True(match.Success, $"unexpected first line: {ready}");

            using var client = new DaprClientBuilder()
                .UseGrpcEndpoint($"http://127.0.0.1:{match.Groups["grpc"].Value}")
                .UseHttpEndpoint($"http://127.0.0.1:{match.Groups["http"].Value}")
                .Build();
            await client.WaitForSidecarAsync(new CancellationTokenSource(Timeout).Token);
            await client.SaveStateAsync("statestore", "k", 42);
            Assert.Equal(42, await client.GetStateAsync<int>("statestore", "k"));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync(new CancellationTokenSource(Timeout).Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task Launch_WithAppAndResources_DeliversWhatAnotherSidecarPublishes()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var topic = "cross-" + suffix;
        await using var app = await SubscriberApp.StartAsync(new TopicSpec(topic));
        using var components = ComponentFiles.Standard(redis.Host, consumerId: "{podName}");
        using var process = Launch(
            "--app-id", "layer2", "--app-port", app.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--resources-path", components.Directory,
            "--pod-name", "node-" + suffix, "--dapr-grpc-port", "0", "--dapr-http-port", "0");
        try
        {
            var match = ReadyLine().Match(await ReadLineAsync(process) ?? "");
            Assert.True(match.Success);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{match.Groups["http"].Value}") };
            Assert.True(await Eventually.HoldsAsync(async () =>
            {
                using var health = await http.GetAsync(new Uri("/v1.0/healthz", UriKind.Relative));
                return health.StatusCode == System.Net.HttpStatusCode.NoContent;
            }, Timeout));
            await using var publisher = await RunningSidecar.StartAsync(new SidecarOptions { AppId = "ipam", PodName = "ipam-" + suffix, ResourcesPath = components.Directory });

            await publisher.Client.PublishEventAsync("pubsub", topic, new { n = 1 });

            Assert.True(await app.WaitForAsync(d => d.Count >= 1, Timeout));
            Assert.Equal("ipam", Assert.Single(app.Deliveries).CloudEvent.GetProperty("source").GetString());
            Assert.True(await redis.Database.KeyExistsAsync(topic));
            Assert.Contains((await redis.Database.StreamGroupInfoAsync(topic)), g => g.Name == "node-" + suffix);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task Launch_Help_PrintsUsageAndExitsZero()
    {
        using var process = Launch("--help");

        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(Timeout).Token);

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("--app-id", output, StringComparison.Ordinal);
        Assert.Contains("not Dapr", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_GrpcPortInUse_ExitsOne()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Launch("--app-id", "busy", "--dapr-grpc-port", taken, "--dapr-http-port", "0", "--redis", redis.Host);

        await process.WaitForExitAsync(new CancellationTokenSource(Timeout).Token);

        Assert.Equal(1, process.ExitCode);
    }

    [Fact]
    public async Task Launch_ComponentWithoutRedisHost_ExitsOne()
    {
        using var components = new ComponentFiles().Write("bad.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.redis
              metadata: []
            """);
        using var process = Launch("--app-id", "bad", "--resources-path", components.Directory, "--dapr-grpc-port", "0", "--dapr-http-port", "0");

        await process.WaitForExitAsync(new CancellationTokenSource(Timeout).Token);

        Assert.Equal(1, process.ExitCode);
    }

    [Fact]
    public async Task Launch_PodNameTemplateWithoutPodName_ExitsOne()
    {
        // daprd refuses a component whose metadata uses {podName} when it has no pod name (pkg/runtime/meta/meta.go).
        using var components = ComponentFiles.Standard("127.0.0.1:6379", consumerId: "{podName}");
        using var process = Launch("--app-id", "node-agent", "--resources-path", components.Directory, "--dapr-grpc-port", "0", "--dapr-http-port", "0");

        await process.WaitForExitAsync(new CancellationTokenSource(Timeout).Token);

        Assert.Equal(1, process.ExitCode);
    }

    [Fact]
    public async Task Launch_MissingAppId_ExitsTwo()
    {
        using var process = Launch("--dapr-grpc-port", "0");

        await process.WaitForExitAsync(new CancellationTokenSource(Timeout).Token);

        Assert.Equal(2, process.ExitCode);
    }

    private static Process Launch(params string[] args)
    {
        var dll = typeof(SidecarOptions).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("DAPR_API_TOKEN");
        start.Environment.Remove("APP_API_TOKEN");
        start.Environment.Remove("POD_NAME");
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the sidecar");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string?> ReadLineAsync(Process process) =>
        await process.StandardOutput.ReadLineAsync(new CancellationTokenSource(Timeout).Token);


    [GeneratedRegex("^ready grpc=(?<grpc>[1-9][0-9]*) http=(?<http>[1-9][0-9]*)$")]
    private static partial Regex ReadyLine();
}
