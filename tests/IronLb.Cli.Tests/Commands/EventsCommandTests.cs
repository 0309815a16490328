using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using IronLb.Cli.Commands;
using IronLb.Cli.Events;
using IronLb.Core.State;
using IronLb.Testing;

namespace IronLb.Cli.Tests.Commands;

/// <summary>`ironlb events` against `ironlb run`: its /events directly, and through Dapr with `ironlb run --events-pubsub`.</summary>
public sealed partial class EventsCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Collects events until <paramref name="done"/> holds for what was collected, bounded by <see cref="Patience"/>.</summary>
    private sealed class Collector(Func<IReadOnlyList<JsonElement>, bool> done) : IDisposable
    {
        private readonly List<JsonElement> _events = [];
        private readonly StringWriter _text = new();

        public CancellationTokenSource Deadline { get; } = new(Patience);

        public IReadOnlyList<JsonElement> Events => _events;

        public string Text => _text.ToString();

        public bool Print(JsonElement cloudEvent)
        {
            var printer = new EventsCommand.Printer(json: false, count: null, _text);
            printer.Print(cloudEvent);
            _events.Add(cloudEvent.Clone());
            return !done(_events);
        }

        public void Dispose()
        {
            _text.Dispose();
            Deadline.Dispose();
        }
    }

    private static bool Has(IReadOnlyList<JsonElement> events, string type, string subject) =>
        events.Any(e => e.GetProperty("type").GetString() == type && e.GetProperty("subject").GetString() == subject);

    private static bool SeenEnough(IReadOnlyList<JsonElement> events) =>
        Has(events, "io.ironlb.config.accepted.v1", "configuration") && Has(events, "io.ironlb.service.addresses.assigned.v1", "services/shop/web");

    [Fact]
    public async Task HttpTail_IronLbRunOnASingleHost_ConfigAcceptedAndAddressesPrintedForPeople()
    {
        using var manifests = new ManifestFolder();
        var state = Directory.CreateTempSubdirectory("ironlb-events-state-").FullName;
        FileStateStorePermissions.EnsurePrivateDirectory(state);
        var port = LoopbackPorts.Next();
        try
        {
            await using var app = RunCommand.Build(new DirectoryInfo(manifests.Path), "node-a", new DirectoryInfo(state), new IPEndPoint(IPAddress.Loopback, port), dryRun: true);
            await app.StartAsync();
            using var collector = new Collector(SeenEnough);

            var error = await HttpEventTail.RunAsync(new Uri($"http://127.0.0.1:{port}"), appApiToken: null, replay: true, collector.Print, collector.Deadline.Token);

            Assert.Null(error);
            Assert.Matches(WebAssignedLine(), collector.Text);
            Assert.Contains(" config.accepted configuration v1: from ", collector.Text, StringComparison.Ordinal);
            Assert.All(collector.Events, e => Assert.StartsWith("/ironlb/", e.GetProperty("source").GetString(), StringComparison.Ordinal));
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task DaprTail_IronLbRunForwardingToPubSub_ReceivesItsEventsThroughTheSidecars()
    {
        using var manifests = new ManifestFolder();
        var state = Directory.CreateTempSubdirectory("ironlb-events-state-").FullName;
        FileStateStorePermissions.EnsurePrivateDirectory(state);
        await using var redis = await RedisServer.StartAsync();
        var resources = DaprComponents.CopyFor(redis);
        try
        {
            var appPort = LoopbackPorts.Next();
            using var collector = new Collector(SeenEnough);
            var tail = DaprEventTail.RunAsync(appPort, "ironlb-events", "ironlb.events.v1", appApiToken: null, collector.Print, collector.Deadline.Token);
            await using var tailSidecar = await SidecarProcess.StartAsync("events-tail", "events-tail-0", redis, resources, appPort);
            await using var publisherSidecar = await SidecarProcess.StartAsync("ironlb", "ironlb-0", redis, resources);
            var listen = LoopbackPorts.Next().ToString(CultureInfo.InvariantCulture);
            var (run, _) = await ChildProcess.StartAsync(
                "dotnet",
                [RepositoryLayout.BuiltAssembly("src/IronLb.Cli", "ironlb"), "run", "--config", manifests.Path, "--node", "node-a", "--state", state,
                    "--listen", "127.0.0.1:" + listen, "--dry-run", "--events-pubsub", "ironlb-events"],
                ListeningLine(),
                Patience,
                new Dictionary<string, string> { ["DAPR_GRPC_PORT"] = publisherSidecar.GrpcPort.ToString(CultureInfo.InvariantCulture) });
            await using (run)
            {
                await tail;
                Assert.True(SeenEnough(collector.Events), $"events seen:\n{collector.Text}\n--- ironlb run ---\n{run.Output}\n--- tail sidecar ---\n{tailSidecar.Output}");
            }

            var web = collector.Events.First(e => e.GetProperty("subject").GetString() == "services/shop/web");
            Assert.Equal("services/shop/web@" + web.GetProperty("data").GetProperty("version").GetInt64().ToString(CultureInfo.InvariantCulture), web.GetProperty("id").GetString());
            Assert.Equal("/ironlb/ipam/node-a", web.GetProperty("source").GetString());
            Assert.Equal("ironlb.events.v1", web.GetProperty("topic").GetString());
        }
        finally
        {
            Directory.Delete(resources, recursive: true);
            Directory.Delete(state, recursive: true);
        }
    }

    [GeneratedRegex(@"\d\d:\d\d:\d\d\.\d{3} service\.addresses\.assigned services/shop/web v\d+: 203\.0\.113\.\d+ \(pool public-v4\)")]
    private static partial Regex WebAssignedLine();

    [GeneratedRegex("Now listening on")]
    private static partial Regex ListeningLine();
}
