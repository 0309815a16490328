using System.Globalization;
using System.Text.RegularExpressions;
using static IronLb.Testing.AppSettings;

namespace IronLb.Testing;

/// <summary>
/// Layer 2 failover as in a cluster, in network namespaces on one bridge: a control host (Redis, ipam and the election
/// replicas, each beside its own local sidecar), layer2 on every node beside its sidecar, and a client on the LAN whose
/// kernel neighbour table and ARP probes show who answers for the Service's address. Faults: kill, stop, stall and
/// resume a node's layer2 service; cut a node's link; blackhole a node's way to the store; take the control host off
/// the LAN; kill an election replica. Everything is torn down in <see cref="DisposeAsync"/>, also after a failed start.
/// </summary>
public sealed partial class FailoverLab : IAsyncDisposable
{
    public const string Vip = "203.0.113.16";
    public const string ClientMac = "02:00:00:00:00:64";
    private const string ControlAddress = "192.0.2.2";
    private readonly NamespaceLan _lan;
    private readonly ManifestFolder _manifests = new(copyExamples: false);
    private readonly Dictionary<string, string> _ports = new(StringComparer.Ordinal);
    private readonly List<DaprAppProcess> _apps = [];
    private readonly List<string> _forgotten = [];
    private readonly HashSet<string> _killedElection = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DaprAppProcess> _layer2 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DaprAppProcess> _election = new(StringComparer.Ordinal);
    private RedisServer? _redis;
    private string? _resources;

    private FailoverLab(string stem, int nodes)
    {
        _lan = new NamespaceLan(stem);
        Nodes = [.. Enumerable.Range(1, nodes).Select(i => "node-" + i.ToString(CultureInfo.InvariantCulture))];
    }

    /// <summary>The node names, node-1 to node-N.</summary>
    public IReadOnlyList<string> Nodes { get; }

    /// <summary>The election replicas' names.</summary>
    public IReadOnlyCollection<string> ElectionReplicas => _election.Keys;

    /// <summary>Every process's output, for a failure message.</summary>
    public string Output => string.Join('\n', _forgotten.Concat(_apps.Select(a => a.Output)));

    /// <summary>The client's namespace.</summary>
    public string Client => _lan.Namespace("client");

    /// <summary>
    /// The default failover timings (Failover:*) multiplied by <paramref name="factor"/>, as environment settings: the
    /// tests check what must hold whatever the timings, with enough slack that a loaded CI machine is not mistaken
    /// for a dead node. The failover benchmark runs the defaults.
    /// </summary>
    public static Dictionary<string, string> ScaledTimings(int factor)
    {
        var defaults = new IronLbFailoverDefaults();
        return defaults.All.ToDictionary(kv => "Failover__" + kv.Key, kv => (kv.Value * factor).ToString("c", CultureInfo.InvariantCulture));
    }

    public static string MacOf(string node) => "02:00:00:00:00:" + (0x10 + int.Parse(node["node-".Length..], CultureInfo.InvariantCulture)).ToString("x2", CultureInfo.InvariantCulture);

    /// <summary>Builds the lab and starts every service; <paramref name="settings"/> go to every service (Failover__* and so on).</summary>
    public static async Task<FailoverLab> StartAsync(string stem, int nodes, int electionReplicas, IReadOnlyDictionary<string, string>? settings = null)
    {
        var lab = new FailoverLab(stem, nodes);
        settings = With(settings ?? new Dictionary<string, string>(), ("Logging__Console__TimestampFormat", "HH:mm:ss.fff "), ("Logging__LogLevel__IronLb.Layer2.Handoff", "Debug"));
        try
        {
            await lab.StartServicesAsync(electionReplicas, settings);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task StartServicesAsync(int electionReplicas, IReadOnlyDictionary<string, string> settings)
    {
        _lan.AddSegment("br0");
        var hosts = new List<(string Host, string Mac, string Address)> { ("ctl", "02:00:00:00:00:02", ControlAddress), ("client", ClientMac, "192.0.2.100") };
        hosts.AddRange(Nodes.Select((n, i) => (n, MacOf(n), "192.0.2." + (11 + i).ToString(CultureInfo.InvariantCulture))));
        foreach (var (host, mac, address) in hosts)
        {
            _lan.Add(host);
            _ports[host] = _lan.Attach(host, "eth0", "br0", mac, address + "/24");
        }

        Shell.Must("ip", "-n", Client, "route", "add", "203.0.113.0/24", "dev", "eth0");
        var nodeManifests = string.Concat(Nodes.Select((n, i) => $$"""
            apiVersion: v1
            kind: Node
            metadata: {name: {{n}}, labels: {kubernetes.io/hostname: {{n}} } }
            status:
              addresses: [{type: InternalIP, address: 192.0.2.{{11 + i}} }]
            ---

            """));
        _manifests.Write("lab.yaml", LabManifests.Layer2Pool([Vip + "/32"]) + nodeManifests + LabManifests.WebService(dualStack: false, [.. Nodes]));

        _redis = await RedisServer.StartAsync(_lan.Namespace("ctl"), ControlAddress);
        _resources = DaprComponents.CopyFor(_redis);
        _apps.Add(await DaprAppProcess.StartAsync("ipam", "services/ipam", "IronLb.Ipam", _redis, _resources,
            With(settings, ("Ipam__ConfigDirectory", _manifests.Path)), netns: _lan.Namespace("ctl")));
        for (var i = 1; i <= electionReplicas; i++)
        {
            var replica = "election-" + i.ToString(CultureInfo.InvariantCulture);
            await StartElectionAsync(replica, settings);
        }

        foreach (var node in Nodes)
        {
            await StartLayer2Async(node, settings);
        }

        _settings = settings;
    }

    private IReadOnlyDictionary<string, string> _settings = new Dictionary<string, string>();

    private async Task StartElectionAsync(string replica, IReadOnlyDictionary<string, string> settings)
    {
        var app = await DaprAppProcess.StartAsync("election", "services/election", "IronLb.Election", _redis!, _resources!,
            With(settings, ("Election__ReplicaId", replica)), netns: _lan.Namespace("ctl"), podName: replica);
        _apps.Add(app);
        _election[replica] = app;
    }

    /// <summary>Starts (or starts again) the layer2 service of <paramref name="node"/>.</summary>
    public async Task StartLayer2Async(string node, IReadOnlyDictionary<string, string>? settings = null)
    {
        var app = await DaprAppProcess.StartAsync("layer2", "services/layer2", "IronLb.Layer2", _redis!, _resources!,
            With(settings ?? _settings, ("Node__Name", node), ("Dapr__PubSubName", "pubsub-node")), netns: _lan.Namespace(node), podName: "layer2-" + node);
        _apps.Add(app);
        _layer2[node] = app;
    }

    /// <summary>The node whose MAC the client's kernel holds for the address after one ping, or null.</summary>
    public string? OwnerSeenByClient()
    {
        Shell.Run(TimeSpan.FromSeconds(5), "ip", "netns", "exec", Client, "ping", "-c", "1", "-W", "1", Vip);
        var mac = NeighbourProbe.NeighbourMac(Client, Vip);
        return Nodes.FirstOrDefault(n => MacOf(n) == mac);
    }

    /// <summary>Waits (bounded) until some node answers the client for the address; returns it.</summary>
    public async Task<string> WaitForOwnerAsync(TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (OwnerSeenByClient() is { } owner)
            {
                return owner;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException($"No node answered for {Vip} within {timeout}.\n{Output}");
    }

    /// <summary>Waits (bounded) until the owner answers the client and another node said it is successor for the
    /// address, so a fault finds the lab settled; returns the owner. The owner is asked again on every round: a stalled
    /// owner (a loaded machine) can lose the address to its successor while the lab settles.</summary>
    public async Task<string> WaitForSettledAsync(TimeSpan timeout)
    {
        var owner = await WaitForOwnerAsync(timeout);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            owner = OwnerSeenByClient() ?? owner;
            if (Nodes.Where(n => n != owner).Any(n => SuccessorLine().Matches(_layer2[n].Output) is { Count: > 0 } lines && lines[^1].Groups[1].Value == "1"))
            {
                return owner;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        throw new TimeoutException($"No node settled as successor of {owner} within {timeout}.\n{Output}");
    }

    public Task KillLayer2Async(string node) => _layer2[node].KillAppAsync();

    public Task<bool> TerminateLayer2Async(string node) => _layer2[node].TerminateAppAsync();

    public Task PauseLayer2Async(string node) => _layer2[node].PauseAppAsync();

    public Task ResumeLayer2Async(string node) => _layer2[node].ResumeAppAsync();

    /// <summary>Removes a stopped node's processes so it can be started again.</summary>
    public async Task ForgetLayer2Async(string node)
    {
        var app = _layer2[node];
        _layer2.Remove(node);
        _apps.Remove(app);
        await app.DisposeAsync();
        _forgotten.Add($"(stopped) {node}:\n{app.Output}");
    }

    /// <summary>Pulls or plugs <paramref name="host"/>'s cable (its bridge port), so it keeps its addresses.</summary>
    public void SetLink(string host, bool up) => _lan.SetPort(_ports[host], up);

    /// <summary>Drops everything <paramref name="node"/> sends to the control host, silently (no RST): cut off from the store only.</summary>
    public void SetBlackhole(string node, bool on) =>
        Shell.Must("ip", "-n", _lan.Namespace(node), "route", on ? "add" : "del", "blackhole", ControlAddress + "/32");

    /// <summary>The replica that last said it is active, from its log.</summary>
    public string? ActiveElectionReplica() =>
        _election.Where(kv => !_killedElection.Contains(kv.Key) && LeadershipLine().Matches(kv.Value.Output) is { Count: > 0 } lines && lines[^1].Groups[1].Value == "True")
            .Select(kv => kv.Key).FirstOrDefault();

    public async Task KillElectionAsync(string replica)
    {
        await _election[replica].KillAppAsync();
        _killedElection.Add(replica);
    }

    /// <summary>The output of one node's layer2 service and its sidecar.</summary>
    public string Layer2Output(string node) => _layer2[node].Output;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_resources is not null)
        {
            Directory.Delete(_resources, recursive: true);
        }

        _manifests.Dispose();
        _lan.Dispose();
    }

    [GeneratedRegex(@"Successor for (\d+) addresses")]
    private static partial Regex SuccessorLine();

    [GeneratedRegex(@"Replica \S+ active: (True|False)")]
    private static partial Regex LeadershipLine();
}

/// <summary>The failover timing defaults by name, read from IronLB's own options type so the labs never drift from it.</summary>
internal sealed class IronLbFailoverDefaults
{
    public IReadOnlyDictionary<string, TimeSpan> All { get; } = typeof(IronLb.Core.Failover.FailoverOptions).GetProperties()
        .Where(p => p.PropertyType == typeof(TimeSpan))
        .ToDictionary(p => p.Name, p => (TimeSpan)p.GetValue(new IronLb.Core.Failover.FailoverOptions())!);
}
