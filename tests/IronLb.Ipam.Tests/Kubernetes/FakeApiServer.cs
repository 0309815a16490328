using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>
/// A Kubernetes API server double on 127.0.0.1 that speaks the wire format for what ipam uses: lists (kind XList with
/// metadata.resourceVersion, limit/continue), watches (chunked newline-delimited events from a resourceVersion, 410 Gone
/// as an ERROR Status event once that version is compacted away), merge patches of an object or its status
/// subresource, and creates (Events). It keeps one store per resource with one resourceVersion counter, as etcd does.
/// </summary>
/// <remarks>
/// Strategic merge patches are applied as JSON merge patches (RFC 7386): on the fields ipam patches (annotations, a
/// status ingress list with no merge key) the two agree. Every version of a kind is served from one store with its
/// apiVersion relabelled, as a CRD conversion without field changes would.
/// </remarks>
internal sealed class FakeApiServer : IAsyncDisposable
{
    private static readonly Dictionary<string, (string Group, string Plural, bool Namespaced)> Kinds = new(StringComparer.Ordinal)
    {
        ["Service"] = ("", "services", true),
        ["Node"] = ("", "nodes", false),
        ["Namespace"] = ("", "namespaces", false),
        ["Secret"] = ("", "secrets", true),
        ["Event"] = ("", "events", true),
        ["EndpointSlice"] = ("discovery.k8s.io", "endpointslices", true),
        ["IPAddressPool"] = ("metallb.io", "ipaddresspools", true),
        ["L2Advertisement"] = ("metallb.io", "l2advertisements", true),
        ["BGPAdvertisement"] = ("metallb.io", "bgpadvertisements", true),
        ["BGPPeer"] = ("metallb.io", "bgppeers", true),
        ["BFDProfile"] = ("metallb.io", "bfdprofiles", true),
        ["Community"] = ("metallb.io", "communities", true),
    };

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
        if (!Kinds.TryGetValue(kind, out var info))
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
        var info = Kinds[kind];
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
        var info = Kinds[kind];
        lock (_gate)
        {
            return Store(info.Group + "/" + info.Plural).GetValueOrDefault((ns ?? "") + "/" + name)?.DeepClone() as JsonObject;
        }
    }

    /// <summary>Every stored object of a kind.</summary>
    public IReadOnlyList<JsonObject> All(string kind)
    {
        var info = Kinds[kind];
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

    private async Task HandleAsync(HttpContext context)
    {
        var path = (string?)context.Request.RouteValues["path"] ?? "";
        if (!Route.TryParse(path, out var route))
        {
            await WriteStatusAsync(context.Response, HttpStatusCode.NotFound, "NotFound", $"the server could not find the requested resource ({path})");
            return;
        }

        switch (context.Request.Method)
        {
            case "GET" when route.Name is null && IsWatch(context.Request):
                await WatchAsync(context, route);
                break;
            case "GET" when route.Name is null:
                await ListAsync(context, route);
                break;
            case "PATCH" when route.Name is not null:
                await PatchAsync(context, route);
                break;
            case "POST" when route.Name is null:
                await CreateAsync(context, route);
                break;
            default:
                await WriteStatusAsync(context.Response, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", "the server does not allow this method on the requested resource");
                break;
        }
    }

    private static bool IsWatch(HttpRequest request) => request.Query["watch"] is { Count: > 0 } watch && (watch[0] == "true" || watch[0] == "1");

    private async Task ListAsync(HttpContext context, Route route)
    {
        JsonObject list;
        var unavailable = false;
        lock (_gate)
        {
            if (_listsToFail > 0)
            {
                _listsToFail--;
                _listsFailed++;
                unavailable = true;
            }
        }

        if (unavailable)
        {
            await WriteStatusAsync(context.Response, HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "the server is currently unable to handle the request");
            return;
        }

        lock (_gate)
        {
            _lists[route.DisplayName] = _lists.GetValueOrDefault(route.DisplayName) + 1;
            var items = Store(route.Resource).Values.Where(route.Selects).ToList();
            var offset = int.TryParse(context.Request.Query["continue"], CultureInfo.InvariantCulture, out var o) ? o : 0;
            var limit = int.TryParse(context.Request.Query["limit"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
            var page = items.Skip(offset).Take(limit).ToList();
            var metadata = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) };
            if (offset + page.Count < items.Count)
            {
                metadata["continue"] = (offset + page.Count).ToString(CultureInfo.InvariantCulture);
            }

            list = new JsonObject
            {
                ["kind"] = route.Kind + "List",
                ["apiVersion"] = route.ApiVersion,
                ["metadata"] = metadata,
                ["items"] = new JsonArray([.. page.Select(i => route.AsListItem(i))]),
            };
        }

        await WriteJsonAsync(context.Response, HttpStatusCode.OK, list);
    }

    private async Task WatchAsync(HttpContext context, Route route)
    {
        Task held;
        lock (_gate)
        {
            held = _watchesHeld?.Task ?? Task.CompletedTask;
        }

        await held.WaitAsync(context.RequestAborted);
        var requested = context.Request.Query["resourceVersion"].ToString();
        var timeout = int.TryParse(context.Request.Query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(30);
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        ends.CancelAfter(timeout);

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        long position;
        var initial = new List<(string Type, JsonObject Object)>();
        lock (_gate)
        {
            if (!long.TryParse(requested, CultureInfo.InvariantCulture, out position) || position == 0)
            {
                // No version: the current state as ADDED events, then what follows.
                position = _version;
                initial.AddRange(Store(route.Resource).Values.Where(route.Selects).Select(i => ("ADDED", (JsonObject)i.DeepClone())));
            }
            else if (position < _compactedThrough)
            {
                Interlocked.Increment(ref _goneServed);
                initial.Add(("ERROR", new JsonObject
                {
                    ["kind"] = "Status",
                    ["apiVersion"] = "v1",
                    ["metadata"] = new JsonObject(),
                    ["status"] = "Failure",
                    ["message"] = $"too old resource version: {position} ({_compactedThrough})",
                    ["reason"] = "Expired",
                    ["code"] = 410,
                }));
            }
        }

        // Dropping the watches must end this one however long it has been open.
        CancellationTokenRegistration drop;
        lock (_gate)
        {
            drop = _dropWatches.Token.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), ends);
        }

        using (drop)
        {
            foreach (var (type, item) in initial)
            {
                await WriteEventAsync(response, type, type == "ERROR" ? item : route.AsWatchObject(item));
            }

            if (initial.Any(e => e.Type == "ERROR"))
            {
                return;
            }

            await response.Body.FlushAsync(context.RequestAborted);
            var scannedThrough = position;
            while (!ends.IsCancellationRequested)
            {
                List<(long Version, string Type, JsonObject Object)> pending;
                Task changed;
                lock (_gate)
                {
                    pending = [.. _history.Where(h => h.Version > position && h.Resource == route.Resource && route.Selects(h.Object)).Select(h => (h.Version, h.Type, h.Object))];
                    changed = _changed.Task;
                    scannedThrough = _version;
                }

                foreach (var (version, type, item) in pending)
                {
                    await WriteEventAsync(response, type, route.AsWatchObject(item));
                    position = version;
                }

                position = Math.Max(position, scannedThrough);

                try
                {
                    await response.Body.FlushAsync(ends.Token);
                    await changed.WaitAsync(ends.Token);
                }
                catch (OperationCanceledException)
                {
                    // Timed out, dropped or the client went away: the server ends the watch.
                }
            }

            // As the API server does before it ends a watch: a bookmark, so the client resumes from here.
            if (!context.RequestAborted.IsCancellationRequested && context.Request.Query["allowWatchBookmarks"] == "true")
            {
                await WriteEventAsync(response, "BOOKMARK", new JsonObject
                {
                    ["kind"] = route.Kind,
                    ["apiVersion"] = route.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = position.ToString(CultureInfo.InvariantCulture) },
                });
                await response.Body.FlushAsync(CancellationToken.None);
            }
        }
    }

    private async Task PatchAsync(HttpContext context, Route route)
    {
        var contentType = context.Request.ContentType ?? "";
        if (!contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal) && !contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal))
        {
            await WriteStatusAsync(context.Response, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", $"the body of the request was in an unknown format: {contentType}");
            return;
        }

        var patch = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
        if (patch is null)
        {
            await WriteStatusAsync(context.Response, HttpStatusCode.BadRequest, "BadRequest", "the patch is not a JSON object");
            return;
        }

        JsonObject? updated = null;
        lock (_gate)
        {
            if (Store(route.Resource).TryGetValue(route.Namespace + "/" + route.Name, out var current))
            {
                var next = (JsonObject)current.DeepClone();

                // The status subresource changes only status; the object itself, everything but status.
                if (route.Subresource == "status")
                {
                    next["status"] = MergePatch.Apply(next["status"], patch["status"]);
                }
                else
                {
                    patch.Remove("status");
                    next = (JsonObject)MergePatch.Apply(next, patch)!;
                }

                // Like the API server, a patch that changes nothing is no write: no new resourceVersion, no event.
                updated = JsonNode.DeepEquals(current, next) ? (JsonObject)current.DeepClone() : (JsonObject)Commit(route.Resource, "MODIFIED", next).DeepClone();
            }
        }

        if (updated is null)
        {
            await WriteStatusAsync(context.Response, HttpStatusCode.NotFound, "NotFound", $"{route.Plural} \"{route.Name}\" not found");
            return;
        }

        await WriteJsonAsync(context.Response, HttpStatusCode.OK, route.AsWatchObject(updated));
    }

    private async Task CreateAsync(HttpContext context, Route route)
    {
        if (await JsonNode.ParseAsync(context.Request.Body) is not JsonObject item || item["metadata"] is not JsonObject metadata)
        {
            await WriteStatusAsync(context.Response, HttpStatusCode.BadRequest, "BadRequest", "the object has no metadata");
            return;
        }

        if (metadata["name"] is null && metadata["generateName"]?.GetValue<string>() is { } prefix)
        {
            metadata["name"] = prefix + Guid.NewGuid().ToString("N")[..5];
        }

        metadata["namespace"] = route.Namespace;
        JsonObject created;
        lock (_gate)
        {
            created = (JsonObject)Commit(route.Resource, "ADDED", item).DeepClone();
        }

        await WriteJsonAsync(context.Response, HttpStatusCode.Created, route.AsWatchObject(created));
    }

    private static async Task WriteEventAsync(HttpResponse response, string type, JsonObject item)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = item }.ToJsonString() + "\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line));
    }

    private static async Task WriteJsonAsync(HttpResponse response, HttpStatusCode status, JsonObject body)
    {
        response.StatusCode = (int)status;
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString());
    }

    private static Task WriteStatusAsync(HttpResponse response, HttpStatusCode status, string reason, string message) =>
        WriteJsonAsync(response, status, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = (int)status,
        });

    /// <summary>A request path: /api/VERSION/... or /apis/GROUP/VERSION/..., then [namespaces/NS/]PLURAL[/NAME[/SUBRESOURCE]].</summary>
    private sealed record Route(string Group, string Version, string Plural, string Kind, string? Namespace, string? Name, string? Subresource)
    {
        public string Resource => Group + "/" + Plural;

        public string DisplayName => Group.Length == 0 ? Plural : Plural + "." + Group;

        public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

        public static bool TryParse(string path, out Route route)
        {
            route = null!;
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            string group;
            string[] rest;
            if (segments is ["api", _, ..])
            {
                group = "";
                rest = segments[2..];
            }
            else if (segments is ["apis", _, _, ..])
            {
                group = segments[1];
                rest = segments[3..];
            }
            else
            {
                return false;
            }

            var version = segments[group.Length == 0 ? 1 : 2];
            string? ns = null;
            if (rest is ["namespaces", _, _, ..])
            {
                ns = rest[1];
                rest = rest[2..];
            }

            if (rest.Length is 0 or > 3)
            {
                return false;
            }

            var kind = Kinds.FirstOrDefault(k => k.Value.Group == group && k.Value.Plural == rest[0]).Key;
            if (kind is null)
            {
                return false;
            }

            route = new Route(group, version, rest[0], kind, ns, rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null);
            return true;
        }

        public bool Selects(JsonObject item) => Namespace is null || item["metadata"]?["namespace"]?.GetValue<string>() == Namespace;

        /// <summary>In a list, built-in kinds' items carry no apiVersion and kind; custom resources' do.</summary>
        public JsonObject AsListItem(JsonObject item)
        {
            var copy = AsWatchObject(item);
            if (Group.Length == 0 || Group == "discovery.k8s.io")
            {
                copy.Remove("apiVersion");
                copy.Remove("kind");
            }

            return copy;
        }

        public JsonObject AsWatchObject(JsonObject item)
        {
            var copy = (JsonObject)item.DeepClone();
            copy["apiVersion"] = ApiVersion;
            copy["kind"] = Kind;
            return copy;
        }
    }
}
