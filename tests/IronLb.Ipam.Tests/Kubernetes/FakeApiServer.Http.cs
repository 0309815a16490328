using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>The fake API server's HTTP side: list, watch, patch, create and delete, in the API server's wire format.</summary>
internal sealed partial class FakeApiServer
{
    private async Task HandleAsync(HttpContext context)
    {
        var path = (string?)context.Request.RouteValues["path"] ?? "";
        var parsed = ApiRoute.TryParse(path, out var route);
        Record(context, parsed ? route : null, path);
        if (!parsed)
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
            case "DELETE" when route.Name is not null:
                await DeleteAsync(context, route);
                break;
            default:
                await WriteStatusAsync(context.Response, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", "the server does not allow this method on the requested resource");
                break;
        }
    }

    private static bool IsWatch(HttpRequest request) => request.Query["watch"] is { Count: > 0 } watch && (watch[0] == "true" || watch[0] == "1");

    private async Task ListAsync(HttpContext context, ApiRoute route)
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

    private async Task WatchAsync(HttpContext context, ApiRoute route)
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
                initial.Add(("ERROR", Expired(position)));
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
                JsonObject? expired = null;
                lock (_gate)
                {
                    // Compacted while this watch still owed events (it was opened just as the watches were dropped, say):
                    // as etcd does, the watch ends with 410 rather than skip them.
                    if (position < _compactedThrough)
                    {
                        Interlocked.Increment(ref _goneServed);
                        expired = Expired(position);
                    }

                    pending = [.. _history.Where(h => h.Version > position && h.Resource == route.Resource && route.Selects(h.Object)).Select(h => (h.Version, h.Type, h.Object))];
                    changed = _changed.Task;
                    scannedThrough = _version;
                }

                if (expired is not null)
                {
                    await WriteEventAsync(response, "ERROR", expired);
                    return;
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

    /// <summary>The ERROR event's object for a watch from a version compaction has passed: a 410 Expired Status.</summary>
    private JsonObject Expired(long position) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = $"too old resource version: {position} ({_compactedThrough})",
        ["reason"] = "Expired",
        ["code"] = 410,
    };

    private async Task PatchAsync(HttpContext context, ApiRoute route)
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

    private async Task CreateAsync(HttpContext context, ApiRoute route)
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

        // As the API server: with a status subresource, a create sets no status (the controller patches it after).
        if (ApiRoute.WithStatusSubresource.Contains(route.Kind))
        {
            item.Remove("status");
        }

        JsonObject? created = null;
        lock (_gate)
        {
            if (!Store(route.Resource).ContainsKey(route.Namespace + "/" + metadata["name"]!.GetValue<string>()))
            {
                created = (JsonObject)Commit(route.Resource, "ADDED", item).DeepClone();
            }
        }

        if (created is null)
        {
            await WriteStatusAsync(context.Response, HttpStatusCode.Conflict, "AlreadyExists", $"{route.DisplayName} \"{metadata["name"]}\" already exists");
            return;
        }

        await WriteJsonAsync(context.Response, HttpStatusCode.Created, route.AsWatchObject(created));
    }

    private async Task DeleteAsync(HttpContext context, ApiRoute route)
    {
        JsonObject? deleted = null;
        lock (_gate)
        {
            if (Store(route.Resource).Remove(route.Namespace + "/" + route.Name, out var item))
            {
                deleted = (JsonObject)Commit(route.Resource, "DELETED", item, store: false).DeepClone();
            }
        }

        if (deleted is null)
        {
            await WriteStatusAsync(context.Response, HttpStatusCode.NotFound, "NotFound", $"{route.DisplayName} \"{route.Name}\" not found");
            return;
        }

        // The API server answers a delete with the object (or a Status); KubernetesClient takes either.
        await WriteJsonAsync(context.Response, HttpStatusCode.OK, route.AsWatchObject(deleted));
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
}
