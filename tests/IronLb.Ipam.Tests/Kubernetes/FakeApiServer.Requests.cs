using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>One request as the API server's authorizer sees it: verb, API group, resource[/subresource], namespace (null when cluster-wide).</summary>
internal sealed record ApiRequest(string Verb, string Group, string Resource, string? Namespace);

/// <summary>The fake API server's record of every request, in RBAC's terms, for comparing with the rendered Roles.</summary>
internal sealed partial class FakeApiServer
{
    private readonly ConcurrentQueue<ApiRequest> _requests = new();

    /// <summary>Every request received so far; a path the server does not serve is recorded with verb "unknown".</summary>
    public IReadOnlyList<ApiRequest> Requests => [.. _requests];

    private void Record(HttpContext context, ApiRoute? route, string path)
    {
        if (route is null)
        {
            _requests.Enqueue(new ApiRequest("unknown", "", path, null));
            return;
        }

        // The verbs of the API server's request-info resolver: GET of a collection is list (watch with ?watch=true).
        var verb = context.Request.Method switch
        {
            "GET" when route.Name is null => IsWatch(context.Request) ? "watch" : "list",
            "GET" => "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" when route.Name is null => "deletecollection",
            "DELETE" => "delete",
            var other => other.ToLowerInvariant(),
        };
        var resource = route.Subresource is null ? route.Plural : route.Plural + "/" + route.Subresource;
        _requests.Enqueue(new ApiRequest(verb, route.Group, resource, route.Namespace));
    }
}
