using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>
/// A Kubernetes API server double on 127.0.0.1 that speaks the wire format for what ipam uses: lists (kind XList with
/// metadata.resourceVersion, limit/continue), watches (chunked newline-delimited events from a resourceVersion, 410 Gone
/// as an ERROR Status event once that version is compacted away), merge patches of an object or its status
/// subresource, creates (409 when the name is taken; no status where there is a status subresource) and deletes. It
/// keeps one store per resource with one resourceVersion counter, as etcd does.
/// </summary>
/// <remarks>
/// Strategic merge patches are applied as JSON merge patches (RFC 7386): on the fields ipam patches (annotations, a
/// status ingress list with no merge key) the two agree. Every version of a kind is served from one store with its
/// apiVersion relabelled, as a CRD conversion without field changes would.
/// </remarks>
internal sealed partial class FakeApiServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _stores = new(StringComparer.Ordinal);
    private readonly List<(long Version, string Resource, string Type, JsonObject Object)> _history = [];
    private readonly Dictionary<string, int> _lists = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private long _version = 1000;
    private long _compactedThrough;
    private int _goneServed;
    private int _listsToFail;
    private int _listsFailed;
    private TaskCompletionSource _changed = NewSignal();
    private CancellationTokenSource _dropWatches = new();
    private TaskCompletionSource? _watchesHeld;

    private FakeApiServer(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:PORT</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>How many lists were answered with 503, as <see cref="FailNextLists"/> asked.</summary>
    public int ListsFailed => Volatile.Read(ref _listsFailed);

    /// <summary>How many watches were answered with 410 Gone.</summary>
    public int GoneServed => Volatile.Read(ref _goneServed);

    public static async Task<FakeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeApiServer(app);
        app.Map("/{**path}", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>Writes a kubeconfig that points at this server over plain HTTP and returns its path.</summary>
    public string WriteKubeconfig(string directory)
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {BaseAddress.ToString().TrimEnd('/')}
            users:
            - name: ipam
              user:
                token: not-a-secret
            contexts:
            - name: fake
              context:
                cluster: fake
                user: ipam
            current-context: fake
            """);
        return path;
    }

    /// <summary>Creates or replaces an object, as kubectl apply would; kinds the server does not serve are skipped.</summary>
    public void Apply(JsonObject manifest)
    {
        var kind = manifest["kind"]!.GetValue<string>();
        if (!ApiRoute.Kinds.TryGetValue(kind, out var info))
        {
            return;
        }

        var item = (JsonObject)manifest.DeepClone();
        var metadata = (JsonObject)item["metadata"]!;
        if (info.Namespaced && metadata["namespace"] is null)
        {
            metadata["namespace"] = "default";
        }

        if (kind == "Secret" && item["stringData"] is JsonObject stringData)
        {
            // The API server folds stringData into data and never returns it.
            var data = item["data"] as JsonObject ?? [];
            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value!.GetValue<string>()));
            }

            item["data"] = data;
            item.Remove("stringData");
        }

        lock (_gate)
        {
            var store = Store(info.Group + "/" + info.Plural);
            var key = KeyOf(item);
            var existed = store.TryGetValue(key, out var previous);
            metadata["uid"] = existed ? previous!["metadata"]!["uid"]!.DeepClone() : Guid.NewGuid().ToString();
            if (!existed || kind != "Service")
            {
                Commit(info.Group + "/" + info.Plural, existed ? "MODIFIED" : "ADDED", item);
                return;
            }

            // kubectl apply does not touch status: what the controller wrote stays.
            item["status"] = previous!["status"]?.DeepClone();
            Commit(info.Group + "/" + info.Plural, "MODIFIED", item);
        }
    }

    /// <summary>Deletes an object; true when it existed.</summary>
    public bool Delete(string kind, string? ns, string name)
    {
        var info = ApiRoute.Kinds[kind];
        lock (_gate)
        {
            var resource = info.Group + "/" + info.Plural;
            if (!Store(resource).Remove((ns ?? "") + "/" + name, out var item))
            {
                return false;
            }

            Commit(resource, "DELETED", item, store: false);
            return true;
        }
    }

    /// <summary>The stored object, or null.</summary>
    public JsonObject? Get(string kind, string? ns, string name)
    {
        var info = ApiRoute.Kinds[kind];
        lock (_gate)
        {
            return Store(info.Group + "/" + info.Plural).GetValueOrDefault((ns ?? "") + "/" + name)?.DeepClone() as JsonObject;
        }
    }

    /// <summary>Every stored object of a kind.</summary>
    public IReadOnlyList<JsonObject> All(string kind)
    {
        var info = ApiRoute.Kinds[kind];
        lock (_gate)
        {
            return [.. Store(info.Group + "/" + info.Plural).Values.Select(o => (JsonObject)o.DeepClone())];
        }
    }

    /// <summary>How many list requests a resource ("services", "ipaddresspools.metallb.io") has had.</summary>
    public int ListCount(string resource)
    {
        lock (_gate)
        {
            return _lists.GetValueOrDefault(resource);
        }
    }

    /// <summary>Answers the next <paramref name="count"/> list requests with 503, as an overloaded or starting API server does.</summary>
    public void FailNextLists(int count)
    {
        lock (_gate)
        {
            _listsToFail = count;
        }
    }

    /// <summary>Ends every open watch; new ones wait until <see cref="ReleaseWatches"/>, as while the server restarts.</summary>
    public void DropAndHoldWatches()
    {
        lock (_gate)
        {
            _watchesHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _dropWatches.Cancel();
            _dropWatches = new CancellationTokenSource();
        }
    }

    /// <summary>Forgets the history up to now, as etcd compaction does: a watch from an older version gets 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedThrough = _version;
            _history.Clear();
        }
    }

    public void ReleaseWatches()
    {
        lock (_gate)
        {
            _watchesHeld?.TrySetResult();
            _watchesHeld = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseWatches();
        lock (_gate)
        {
            _dropWatches.Cancel();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        _dropWatches.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string KeyOf(JsonObject item) =>
        (item["metadata"]?["namespace"]?.GetValue<string>() ?? "") + "/" + item["metadata"]!["name"]!.GetValue<string>();

    private SortedDictionary<string, JsonObject> Store(string resource)
    {
        if (!_stores.TryGetValue(resource, out var store))
        {
            store = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _stores[resource] = store;
        }

        return store;
    }

    /// <summary>Gives the object the next resourceVersion, stores it (unless deleted) and wakes the watches. Under the lock.</summary>
    private JsonObject Commit(string resource, string type, JsonObject item, bool store = true)
    {
        _version++;
        var metadata = (JsonObject)item["metadata"]!;
        metadata["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture);
        metadata["uid"] ??= Guid.NewGuid().ToString();
        metadata["creationTimestamp"] ??= "2026-01-01T00:00:00Z";
        if (store)
        {
            Store(resource)[KeyOf(item)] = item;
        }

        _history.Add((_version, resource, type, (JsonObject)item.DeepClone()));
        _changed.TrySetResult();
        _changed = NewSignal();
        return item;
    }

}
