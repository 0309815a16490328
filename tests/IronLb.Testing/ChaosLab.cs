using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using IronLb.Core.State;
using static IronLb.Testing.AppSettings;

namespace IronLb.Testing;

/// <summary>What one fault did.</summary>
/// <param name="Fault">Its name (<see cref="ChaosLab.Faults"/>).</param>
/// <param name="Converged">How long after recovery the cluster agreed again; null when not within the bound.</param>
/// <param name="Report">What the last consistency check found.</param>
/// <param name="DuplicatesSeen">The most addresses held by two Services at once in any check after recovery.</param>
/// <param name="Moved">Services that held addresses when the fault hit and hold other ones after it.</param>
/// <param name="Compared">Services that held addresses when the fault hit and still exist after it (what Moved counts from).</param>
/// <param name="ChurnOperations">Services created or deleted during the fault.</param>
/// <param name="Recovery">From the fault to its end: the process restarted and ready, Redis answering again.</param>
public sealed record FaultOutcome(string Fault, TimeSpan? Converged, ConsistencyReport Report, int DuplicatesSeen, int Moved, int Compared, long ChurnOperations, TimeSpan Recovery = default);

/// <summary>
/// IronLB as deployed, on loopback: Redis with AOF as deploy/redis runs it, ipam reading a manifests folder, two election
/// replicas, the layer2 agents of two nodes and the bgp agent of one (neither sending anything on the network), each
/// beside its own sidecar, plus an observer sidecar that reads the store for <see cref="StateConsistency"/>. Services
/// churn through the folder (<see cref="ChaosChurn"/>) while a fault hits; everything is torn down in
/// <see cref="DisposeAsync"/>, also after a failed start.
/// </summary>
public sealed class ChaosLab : IAsyncDisposable
{
    /// <summary>Every fault <see cref="RunFaultAsync"/> knows, in the order the benchmark runs them.</summary>
    public static IReadOnlyList<string> Faults { get; } =
    [
        "redis-restart-aof", "redis-sigstop-5s", "redis-restart-no-persistence",
        "kill-ipam", "kill-election", "kill-layer2", "kill-bgp",
        "kill-ipam-sidecar", "kill-election-sidecar", "kill-layer2-sidecar", "kill-bgp-sidecar",
    ];

    /// <summary>The nodes: layer2 runs on both, bgp on the first.</summary>
    public static IReadOnlyList<string> Nodes { get; } = ["node-a", "node-b"];

    private const string Pool = """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: {name: chaos, namespace: metallb-system}
        spec:
          addresses: [198.51.100.0/24, 203.0.113.0/24]
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata: {name: chaos-l2, namespace: metallb-system}
        spec:
          ipAddressPools: [chaos]
        ---
        apiVersion: metallb.io/v1beta1
        kind: BGPAdvertisement
        metadata: {name: chaos-bgp, namespace: metallb-system}
        spec:
          ipAddressPools: [chaos]
        ---
        apiVersion: metallb.io/v1beta1
        kind: BGPPeer
        metadata: {name: router, namespace: metallb-system}
        spec: {myASN: 64501, peerASN: 64500, peerAddress: 192.0.2.1}
        ---

        """;

    private readonly ManifestFolder _manifests = new(copyExamples: false);
    private readonly Dictionary<string, DaprAppProcess> _apps = new(StringComparer.Ordinal);
    private RedisServer? _redis;
    private string? _resources;
    private SidecarProcess? _observer;
    private IDisposable? _observerClient;
    private StateConsistency? _consistency;

    private ChaosLab(int services) => Churn = new ChaosChurn(_manifests.Path, Nodes, services);

    /// <summary>The Services being created and deleted.</summary>
    public ChaosChurn Churn { get; }

    /// <summary>Every process's output, for a failure message.</summary>
    public string Output => string.Join('\n', _apps.Values.Select(a => a.Output));

    /// <summary>
    /// Starts everything with <paramref name="services"/> Services in place, and waits (bounded) until it agrees.
    /// <paramref name="settings"/> go to every service (Failover__* timings); <paramref name="openStore"/> opens the
    /// state store through a sidecar (the Dapr adapter is internal to IronLB, so the caller supplies it).
    /// </summary>
    public static async Task<ChaosLab> StartAsync(int services, IReadOnlyDictionary<string, string> settings, Func<SidecarProcess, (IStateStore Store, IDisposable Client)> openStore)
    {
        var lab = new ChaosLab(services);
        try
        {
            await lab.StartServicesAsync(settings, openStore);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task StartServicesAsync(IReadOnlyDictionary<string, string> settings, Func<SidecarProcess, (IStateStore Store, IDisposable Client)> openStore)
    {
        var nodes = string.Concat(Nodes.Select((n, i) => $$"""
            apiVersion: v1
            kind: Node
            metadata: {name: {{n}}, labels: {kubernetes.io/hostname: {{n}} } }
            status:
              addresses: [{type: InternalIP, address: 192.0.2.{{11 + i}} }]
            ---

            """));
        _manifests.Write("lab.yaml", Pool + nodes);
        Churn.Fill();

        _redis = await RedisServer.StartAsync(appendOnly: true);
        _resources = RepositoryComponents.CopyFor(_redis);
        _observer = await SidecarProcess.StartAsync("ipam", "observer", _redis, _resources);
        (var store, _observerClient) = openStore(_observer);
        _consistency = new StateConsistency(store);

        var starts = new List<(string Name, Task<DaprAppProcess> Start)>
        {
            ("ipam", DaprAppProcess.StartAsync("ipam", "services/ipam", "IronLb.Ipam", _redis, _resources,
                With(settings, ("Ipam__ConfigDirectory", _manifests.Path)), podName: "ipam-0")),
        };
        foreach (var replica in new[] { "election-1", "election-2" })
        {
            starts.Add((replica, DaprAppProcess.StartAsync("election", "services/election", "IronLb.Election", _redis, _resources,
                With(settings, ("Election__ReplicaId", replica)), podName: replica)));
        }

        foreach (var node in Nodes)
        {
            starts.Add(("layer2-" + node, DaprAppProcess.StartAsync("layer2", "services/layer2", "IronLb.Layer2", _redis, _resources,
                With(settings, ("Node__Name", node), ("Dapr__PubSubName", "pubsub-node"), ("Layer2__Announce", "false")), podName: node)));
        }

        starts.Add(("bgp-" + Nodes[0], DaprAppProcess.StartAsync("bgp", "services/bgp", "IronLb.Bgp", _redis, _resources,
            With(settings, ("Node__Name", Nodes[0]), ("Dapr__PubSubName", "pubsub-node"), ("Bgp__Announce", "false")), podName: Nodes[0])));

        try
        {
            await Task.WhenAll(starts.Select(s => s.Start));
        }
        finally
        {
            foreach (var (name, start) in starts.Where(s => s.Start.IsCompletedSuccessfully))
            {
                _apps[name] = start.Result;
            }
        }

        if (await WaitForConsistencyAsync(TimeSpan.FromMinutes(3)) is { Converged: null } failed)
        {
            throw new TimeoutException($"The lab never agreed after start: {failed.Report}\n{Output}");
        }
    }

    /// <summary>
    /// Churns Services at <paramref name="perSecond"/> a second for <paramref name="churnBefore"/>, hits the fault while
    /// the churn goes on, stops the churn once the fault is over (the process restarted, Redis answering again), and
    /// measures from then until the store, the Services and every node agent agree, within <paramref name="bound"/>.
    /// </summary>
    public async Task<FaultOutcome> RunFaultAsync(string fault, int perSecond, TimeSpan churnBefore, TimeSpan bound)
    {
        using var stop = new CancellationTokenSource();
        var operations = Churn.Operations;
        var churning = Churn.RunAsync(perSecond, TimeSpan.FromMinutes(5), stop.Token);
        IReadOnlyDictionary<string, string> before;
        TimeSpan recovery;
        try
        {
            await Task.Delay(churnBefore);
            before = await _consistency!.AddressesAsync();
            var injected = Stopwatch.StartNew();
            await InjectAsync(fault);
            recovery = injected.Elapsed;
        }
        finally
        {
            await stop.CancelAsync();
            await churning;
        }

        var outcome = await WaitForConsistencyAsync(bound);
        var after = await _consistency.AddressesAsync();
        var compared = before.Where(b => after.ContainsKey(b.Key)).ToList();
        var moved = compared.Count(b => after[b.Key] != b.Value);
        return outcome with { Fault = fault, Moved = moved, Compared = compared.Count, ChurnOperations = Churn.Operations - operations, Recovery = recovery };
    }

    private async Task InjectAsync(string fault)
    {
        switch (fault)
        {
            case "redis-restart-aof":
                await _redis!.RestartAsync(wipe: false);
                break;
            case "redis-restart-no-persistence":
                await _redis!.RestartAsync(wipe: true);
                break;
            case "redis-sigstop-5s":
                await _redis!.PauseAsync();
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5));
                }
                finally
                {
                    await _redis.ResumeAsync();
                }

                break;
            case var kill when kill.StartsWith("kill-", StringComparison.Ordinal):
                var app = _apps[await TargetOfAsync(kill["kill-".Length..].Replace("-sidecar", "", StringComparison.Ordinal))];
                if (kill.EndsWith("-sidecar", StringComparison.Ordinal))
                {
                    await app.KillSidecarAsync();
                    await app.RestartSidecarAsync();
                }
                else
                {
                    await app.KillAppAsync();
                    await app.RestartAppAsync();
                }

                break;
            default:
                throw new ArgumentException($"unknown fault {fault}", nameof(fault));
        }
    }

    // The election replica that is active, so that killing it forces a takeover; a node agent of the first node.
    private async Task<string> TargetOfAsync(string service)
    {
        switch (service)
        {
            case "ipam":
                return "ipam";
            case "layer2" or "bgp":
                return service + "-" + Nodes[0];
            case "election":
                foreach (var replica in new[] { "election-1", "election-2" })
                {
                    var status = await _apps[replica].Status.GetAsync();
                    if (status.TryGetProperty("election", out var election) && election.GetProperty("leader").GetBoolean())
                    {
                        return replica;
                    }
                }

                return "election-1";
            default:
                throw new ArgumentException($"unknown service {service}", nameof(service));
        }
    }

    /// <summary>Polls (every 200 ms, bounded) until the consistency check passes; returns the time it took and the last report.</summary>
    public async Task<FaultOutcome> WaitForConsistencyAsync(TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        var duplicates = 0;
        ConsistencyReport report;
        do
        {
            report = await CheckAsync();
            duplicates = Math.Max(duplicates, report.Duplicates);
            if (report.Consistent)
            {
                return new FaultOutcome("", clock.Elapsed, report, duplicates, 0, 0, 0);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
        while (clock.Elapsed < bound);

        return new FaultOutcome("", null, report, duplicates, 0, 0, 0);
    }

    /// <summary>One consistency check of the store and every node agent against the Services in the folder.</summary>
    public async Task<ConsistencyReport> CheckAsync()
    {
        var views = new List<AgentView>();
        var unreachable = new List<string>();
        foreach (var (name, app) in _apps.Where(a => a.Value.AppId is "layer2" or "bgp"))
        {
            try
            {
                views.AddRange(StateConsistency.AgentViews(name[(app.AppId.Length + 1)..], await app.Status.GetAsync()));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                unreachable.Add($"{name}: /status unreachable ({ex.GetType().Name})");
            }
        }

        try
        {
            var report = await _consistency!.CheckAsync(new ExpectedCluster(Churn.Alive, InPool), views);
            return unreachable.Count == 0 ? report : report with { Violations = [.. unreachable, .. report.Violations] };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store is not answering (Redis restarting or stopped): not consistent yet.
            return new ConsistencyReport([$"store unreadable: {ex.GetType().Name}: {ex.Message}", .. unreachable], 0, 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_apps.Values.Select(a => a.DisposeAsync().AsTask()));
        _observerClient?.Dispose();
        if (_observer is not null)
        {
            await _observer.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_resources is not null)
        {
            Directory.Delete(_resources, recursive: true);
        }

        Churn.Dispose();
        _manifests.Dispose();
    }

    /// <summary>Whether the address lies in the pool's two /24s, as the manifest above declares them.</summary>
    private static bool InPool(string address) =>
        address.StartsWith("198.51.100.", StringComparison.Ordinal) || address.StartsWith("203.0.113.", StringComparison.Ordinal);

    /// <summary>The figures of a whole run: faults, the worst convergence, duplicates, lost, and one key per fault in
    /// seconds (null where it never agreed within the bound).</summary>
    public static Dictionary<string, object?> Summary(IReadOnlyList<FaultOutcome> outcomes)
    {
        var figures = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["faults"] = outcomes.Count,
            ["max_converge_s"] = outcomes.All(o => o.Converged is not null) ? Math.Round(outcomes.Max(o => o.Converged!.Value.TotalSeconds), 2) : null,
            ["duplicates"] = outcomes.Sum(o => o.DuplicatesSeen),
            ["lost"] = outcomes.Sum(o => o.Report.Lost),
            ["moved"] = outcomes.Sum(o => o.Moved),
        };
        foreach (var outcome in outcomes)
        {
            figures[outcome.Fault] = outcome.Converged is { } converged ? Math.Round(converged.TotalSeconds, 2) : null;
        }

        return figures;
    }

    /// <summary>One line per fault for a log.</summary>
    public static string Describe(FaultOutcome outcome) => string.Create(CultureInfo.InvariantCulture,
        $"{outcome.Fault} (recovered after {outcome.Recovery.TotalSeconds:F1} s): {(outcome.Converged is { } c ? $"agreed {c.TotalSeconds:F2} s after recovery" : "never agreed")}, {outcome.ChurnOperations} Services created or deleted during it, {outcome.Moved} of the {outcome.Compared} Services there before and after moved to other addresses, at most {outcome.DuplicatesSeen} addresses held twice; {outcome.Report}");
}
