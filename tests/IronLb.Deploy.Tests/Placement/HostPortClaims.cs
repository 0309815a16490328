using System.Globalization;
using System.Text.Json.Nodes;

namespace IronLb.Deploy.Tests.Placement;

/// <summary>One port a container takes on its node, and who takes it.</summary>
internal sealed record HostPortClaim(string Protocol, int Port, string Owner);

/// <summary>
/// The node ports rendered workloads take when they land on one node: declared host ports, and for hostNetwork pods every
/// port a container listens on (declared, in ASPNETCORE_URLS, in daprd's flags) plus the ports the Dapr injector gives an
/// annotated pod's sidecar, which no annotation can change (HTTP 3500, health 3501).
/// </summary>
internal static class HostPortClaims
{
    /// <summary>daprd's port flags and their defaults (dapr/dapr cmd flags; the injector passes the first four always).</summary>
    private static readonly (string Flag, int Default)[] DaprdPorts =
    [
        ("--dapr-http-port", 3500), ("--dapr-grpc-port", 50001), ("--dapr-internal-grpc-port", 50002), ("--dapr-public-port", 3501),
    ];

    /// <summary>Every claim of every pod that can run on one node: each DaemonSet once, a Deployment twice unless it forbids two replicas on a node.</summary>
    public static IReadOnlyList<HostPortClaim> OnOneNode(IEnumerable<JsonObject> objects)
    {
        var claims = new List<HostPortClaim>();
        foreach (var workload in objects)
        {
            var kind = workload["kind"]!.GetValue<string>();
            if (kind is not ("Deployment" or "DaemonSet" or "StatefulSet"))
            {
                continue;
            }

            var name = workload["metadata"]!["name"]!.GetValue<string>();
            var template = (JsonObject)workload["spec"]!["template"]!;
            var copies = kind == "DaemonSet" || (workload["spec"]!["replicas"]?.GetValue<long>() ?? 1) == 1 || ForbidsTwoOnANode(template) ? 1 : 2;
            for (var copy = 0; copy < copies; copy++)
            {
                claims.AddRange(OfPod(template, copies == 1 ? name : $"{name}#{copy + 1}"));
            }
        }

        return claims;
    }

    /// <summary>The ports that more than one claim takes.</summary>
    public static IReadOnlyList<IGrouping<(string Protocol, int Port), HostPortClaim>> Clashes(IEnumerable<HostPortClaim> claims) =>
        [.. claims.GroupBy(c => (c.Protocol, c.Port)).Where(g => g.Count() > 1)];

    public static IEnumerable<HostPortClaim> OfPod(JsonObject template, string owner)
    {
        var spec = (JsonObject)template["spec"]!;
        var hostNetwork = spec["hostNetwork"]?.GetValue<bool>() ?? false;
        foreach (var container in (spec["containers"] as JsonArray ?? []).Concat(spec["initContainers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = owner + "/" + container["name"]!.GetValue<string>();
            var ports = new HashSet<(string, int)>();
            foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var protocol = port["protocol"]?.GetValue<string>() ?? "TCP";
                if (port["hostPort"]?.GetValue<long>() is { } hostPort)
                {
                    ports.Add((protocol, (int)hostPort));
                }
                else if (hostNetwork)
                {
                    ports.Add((protocol, (int)port["containerPort"]!.GetValue<long>()));
                }
            }

            if (hostNetwork)
            {
                ports.UnionWith(ListenedPorts(container).Select(p => ("TCP", p)));
            }

            foreach (var (protocol, port) in ports)
            {
                yield return new HostPortClaim(protocol, port, name);
            }
        }

        if (hostNetwork && template["metadata"]?["annotations"]?["dapr.io/enabled"]?.GetValue<string>() == "true")
        {
            foreach (var (_, port) in DaprdPorts)
            {
                yield return new HostPortClaim("TCP", port, owner + "/daprd (injected)");
            }
        }
    }

    /// <summary>Ports a container listens on without declaring them: ASP.NET Core's URLs, and daprd's flags.</summary>
    private static IEnumerable<int> ListenedPorts(JsonObject container)
    {
        foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (env["name"]?.GetValue<string>() is "ASPNETCORE_URLS" or "ASPNETCORE_HTTP_PORTS" && env["value"]?.GetValue<string>() is { } urls)
            {
                foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    yield return Uri.TryCreate(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                        ? uri.Port
                        : int.Parse(url, CultureInfo.InvariantCulture);
                }
            }
        }

        var args = (container["command"] as JsonArray ?? []).Concat(container["args"] as JsonArray ?? []).Select(a => a!.GetValue<string>()).ToList();
        if (!args.Any(a => a.EndsWith("daprd", StringComparison.Ordinal)))
        {
            yield break;
        }

        foreach (var (flag, fallback) in DaprdPorts)
        {
            yield return FlagValue(args, flag) ?? fallback;
        }

        if (FlagValue(args, "--enable-metrics") is null && !args.Contains("--enable-metrics=false", StringComparer.Ordinal))
        {
            yield return FlagValue(args, "--metrics-port") ?? 9090;
        }
    }

    private static int? FlagValue(List<string> args, string flag)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith(flag + "=", StringComparison.Ordinal) && int.TryParse(args[i][(flag.Length + 1)..], CultureInfo.InvariantCulture, out var inline))
            {
                return inline;
            }

            if (args[i] == flag && i + 1 < args.Count && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var next))
            {
                return next;
            }
        }

        return null;
    }

    private static bool ForbidsTwoOnANode(JsonObject template) =>
        (template["spec"]!["affinity"]?["podAntiAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"] as JsonArray ?? [])
            .Any(t => t?["topologyKey"]?.GetValue<string>() == "kubernetes.io/hostname");
}
