using System.Globalization;
using System.Text.Json.Nodes;
using IronLb.Testing;

namespace IronLb.Deploy.Tests.Images;

/// <summary>
/// Runs rendered pods with podman inside a network namespace of the test's own, each container with the user, command,
/// environment, capabilities, volumes and read-only root file system its manifest gives it. What a cluster would supply
/// is supplied here: downward-API values, Secrets (test tokens), the ConfigMap's files, a service-account token, and
/// KUBERNETES_SERVICE_HOST (pointing at a port where no API server listens). Each daprd container is stood in for by the
/// local sidecar image with daprd's app id and ports, on a Redis in the same namespace.
/// </summary>
internal sealed class PodLab : IAsyncDisposable
{
    public const string NodeName = "node-a";
    private readonly string _prefix = "ilbimg-" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<string> _containers = [];
    private readonly List<string> _namespaces = [];
    private readonly List<RedisServer> _redis = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-podlab-").FullName;

    /// <summary>Makes a network namespace with loopback up and a Redis in it; returns its name and the Redis address.</summary>
    public async Task<(string Netns, string Redis)> NetworkAsync(string name)
    {
        var netns = $"{_prefix}-{name}";
        Shell.Must("ip", "netns", "add", netns);
        _namespaces.Add(netns);
        Shell.Must("ip", "-n", netns, "link", "set", "lo", "up");
        var redis = await RedisServer.StartAsync(netns);
        _redis.Add(redis);
        return (netns, redis.Host);
    }

    /// <summary>Starts every container of the pod template; returns the podman names of its non-daprd containers.</summary>
    public IReadOnlyList<(string Name, JsonObject Container)> StartPod(JsonObject pod, string podName, string netns, string redis)
    {
        var started = new List<(string, JsonObject)>();
        var volumes = Volumes(pod, podName, redis);
        foreach (var container in pod["containers"]!.AsArray().OfType<JsonObject>())
        {
            var name = $"{_prefix}-{podName}-{container["name"]!.GetValue<string>()}";
            var daprd = container["name"]!.GetValue<string>() == "daprd";
            var args = new List<string> { "run", "--detach", "--name", name, "--network", $"ns:/run/netns/{netns}" };
            args.AddRange(SecurityArguments(pod, container));
            foreach (var (key, value) in Environment(container, podName))
            {
                args.AddRange(["--env", $"{key}={value}"]);
            }

            foreach (var mount in (container["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var source = volumes[mount["name"]!.GetValue<string>()];
                var readOnly = mount["readOnly"]?.GetValue<bool>() ?? false;
                args.AddRange(["--volume", $"{source}:{mount["mountPath"]!.GetValue<string>()}{(readOnly ? ":ro" : "")}"]);
            }

            if (daprd)
            {
                // The local sidecar in daprd's place, with daprd's app id, app port and API ports.
                var flags = Strings(container["args"]);
                args.AddRange(["localhost/ironlb/local-sidecar:dev",
                    "--app-id", Flag(flags, "--app-id"), "--app-port", Flag(flags, "--app-port"),
                    "--dapr-http-port", Flag(flags, "--dapr-http-port"), "--dapr-grpc-port", Flag(flags, "--dapr-grpc-port"),
                    "--resources-path", Flag(flags, "--resources-path"), "--redis", redis]);
            }
            else
            {
                var command = Strings(container["command"]);
                if (command.Count > 0)
                {
                    args.AddRange(["--entrypoint", command[0]]);
                }

                args.Add(container["image"]!.GetValue<string>());
                args.AddRange(command.Skip(1));
                args.AddRange(Strings(container["args"]));
                started.Add((name, container));
            }

            Podman([.. args]);
            _containers.Add(name);
        }

        return started;
    }

    /// <summary>Runs a container's exec probe as the kubelet would (inside it); true on exit 0.</summary>
    public static bool Probe(string name, JsonObject probe) =>
        Run(TimeSpan.FromSeconds(10), ["exec", name, .. Strings(probe["exec"]!["command"])]).ExitCode == 0;

    public static bool Running(string name) =>
        Run(TimeSpan.FromSeconds(10), ["inspect", "--format", "{{.State.Running}}", name]).Output.Trim() == "true";

    public static string Logs(string name) => Run(TimeSpan.FromSeconds(10), ["logs", name]) is var r ? r.Output + r.Error : "";

    public static string Podman(params string[] args)
    {
        var result = Run(TimeSpan.FromSeconds(60), args);
        Assert.True(result.ExitCode == 0, $"podman {string.Join(' ', args)} failed: {result.Error}");
        return result.Output;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _containers)
        {
            Run(TimeSpan.FromSeconds(60), ["rm", "--force", "--time", "5", name]);
        }

        foreach (var redis in _redis)
        {
            await redis.DisposeAsync();
        }

        foreach (var netns in _namespaces)
        {
            Shell.Run(TimeSpan.FromSeconds(30), "ip", "netns", "del", netns);
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>podman with this machine's settings (runc, ulimits), as scripts/images runs it.</summary>
    private static Shell.Result Run(TimeSpan timeout, string[] args) =>
        Shell.Run(timeout, "env", ["CONTAINERS_CONF=" + BuiltImages.ContainersConf, "podman", .. args]);

    private static IEnumerable<string> SecurityArguments(JsonObject pod, JsonObject container)
    {
        var context = container["securityContext"] as JsonObject ?? [];
        var podContext = pod["securityContext"] as JsonObject ?? [];
        var user = context["runAsUser"] ?? podContext["runAsUser"];
        var group = context["runAsGroup"] ?? podContext["runAsGroup"];
        if (user is not null)
        {
            yield return "--user";
            yield return user.GetValue<long>().ToString(CultureInfo.InvariantCulture) + (group is null ? "" : ":" + group.GetValue<long>().ToString(CultureInfo.InvariantCulture));
        }

        foreach (var drop in Strings(context["capabilities"]?["drop"]))
        {
            yield return "--cap-drop";
            yield return drop;
        }

        foreach (var add in Strings(context["capabilities"]?["add"]))
        {
            yield return "--cap-add";
            yield return add;
        }

        if (context["readOnlyRootFilesystem"]?.GetValue<bool>() == true)
        {
            // As the kubelet: read-only, with no tmpfs of podman's own on /tmp, /run and /var/tmp.
            yield return "--read-only";
            yield return "--read-only-tmpfs=false";
        }

        if (context["allowPrivilegeEscalation"]?.GetValue<bool>() == false)
        {
            yield return "--security-opt";
            yield return "no-new-privileges";
        }
    }

    private static IEnumerable<(string Key, string Value)> Environment(JsonObject container, string podName)
    {
        // The kubelet sets these in every container; nothing listens there, as if the API server were unreachable.
        yield return ("KUBERNETES_SERVICE_HOST", "127.0.0.1");
        yield return ("KUBERNETES_SERVICE_PORT", "6443");
        foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = env["name"]!.GetValue<string>();
            var value = env["value"]?.GetValue<string>()
                ?? (env["valueFrom"]?["fieldRef"]?["fieldPath"]?.GetValue<string>() switch
                {
                    "spec.nodeName" => NodeName,
                    "metadata.name" => podName,
                    "metadata.namespace" => "ironlb-system",
                    "metadata.uid" => "uid-of-" + podName,
                    null => null,
                    var other => throw new InvalidOperationException($"no stand-in for fieldRef {other}"),
                })
                ?? (env["valueFrom"]?["secretKeyRef"] is { } secret ? $"test-{secret["name"]!.GetValue<string>()}-{secret["key"]!.GetValue<string>()}" : null)
                ?? throw new InvalidOperationException($"no stand-in for env {name}");
            yield return (name, value);
        }
    }

    /// <summary>Each volume of the pod as a folder: ConfigMap files (Redis pointed at the lab's), hostPaths, and a projected token.</summary>
    private Dictionary<string, string> Volumes(JsonObject pod, string podName, string redis)
    {
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in (pod["volumes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = volume["name"]!.GetValue<string>();
            var folder = Path.Combine(_directory, podName, name);
            Directory.CreateDirectory(folder);
            if (volume["configMap"]?["name"]?.GetValue<string>() == "ironlb-dapr-resources")
            {
                foreach (var (file, content) in Rendering.RenderedObjects.Of("deploy/overlays/quickstart")
                    .Single(o => Rendering.RenderedObjects.Kind(o) == "ConfigMap" && Rendering.RenderedObjects.Name(o) == "ironlb-dapr-resources")["data"]!.AsObject())
                {
                    File.WriteAllText(Path.Combine(folder, file), content!.GetValue<string>().Replace("redis.ironlb-system.svc.cluster.local:6379", redis, StringComparison.Ordinal));
                }
            }
            else if (volume["projected"] is not null)
            {
                File.WriteAllText(Path.Combine(folder, "token"), "test-service-account-token");
                File.WriteAllText(Path.Combine(folder, "namespace"), "ironlb-system");
                Shell.Must("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                    "-subj", "/CN=test-cluster-ca", "-keyout", Path.Combine(folder, "ca.key"), "-out", Path.Combine(folder, "ca.crt"));
                File.Delete(Path.Combine(folder, "ca.key"));
            }

            // Every reader in the pod may read it, as the kubelet's volumes allow.
            Shell.Must("chmod", "-R", "a+rX", folder);
            folders[name] = folder;
        }

        return folders;
    }

    private static string Flag(IReadOnlyList<string> args, string flag) =>
        args.FirstOrDefault(a => a.StartsWith(flag + "=", StringComparison.Ordinal))?[(flag.Length + 1)..]
        ?? throw new InvalidOperationException($"daprd has no {flag}");

    private static List<string> Strings(JsonNode? array) => [.. (array as JsonArray ?? []).Select(n => n!.GetValue<string>())];
}
