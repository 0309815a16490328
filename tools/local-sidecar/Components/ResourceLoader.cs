using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace IronLb.LocalSidecar.Components;

/// <summary>Reads Dapr resource YAML (kind Component and kind Resiliency) the way daprd's --resources-path does,
/// for the two component types the sidecar serves: state.redis and pubsub.redis.</summary>
internal sealed class ResourceLoader(string appId, string? podName, string? ns, Guid instance)
{
    /// <summary>The components daprd's self-hosted init would give: "statestore" and "pubsub" on one Redis.</summary>
    public ComponentSet Defaults(string redisHost) => new(
        new Dictionary<string, StateStoreComponent> { ["statestore"] = new("statestore", redisHost, "appid") },
        new Dictionary<string, PubSubComponent>
        {
            ["pubsub"] = new("pubsub", redisHost, appId, PubSubComponent.DefaultProcessingTimeout, PubSubComponent.DefaultRedeliverInterval, null, null),
        });

    /// <summary>Loads every *.yaml and *.yml file of <paramref name="directory"/> (several documents per file allowed).</summary>
    public ComponentSet Load(string directory)
    {
        var documents = new List<YamlMappingNode>();
        var files = Directory.EnumerateFiles(directory, "*.yaml").Concat(Directory.EnumerateFiles(directory, "*.yml")).Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var stream = new YamlStream();
            using var reader = File.OpenText(file);
            stream.Load(reader);
            documents.AddRange(stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>());
        }

        return Load(documents);
    }

    /// <summary>Builds the component set from parsed YAML documents.</summary>
    public ComponentSet Load(IEnumerable<YamlMappingNode> documents)
    {
        var all = documents.ToList();
        var inboundRetries = ReadInboundRetries(all.Where(d => Scalar(d, "kind") == "Resiliency" && InScope(d)));
        var stateStores = new Dictionary<string, StateStoreComponent>(StringComparer.Ordinal);
        var pubSubs = new Dictionary<string, PubSubComponent>(StringComparer.Ordinal);
        var unsupported = new List<string>();
        var secretStores = new Dictionary<string, Secrets.LocalFileSecretStore>(StringComparer.Ordinal);
        foreach (var doc in all.Where(d => Scalar(d, "kind") == "Component" && InScope(d)))
        {
            var name = Scalar(Child(doc, "metadata"), "name") ?? throw new InvalidDataException("a Component has no metadata.name");
            var spec = Child(doc, "spec");
            var type = Scalar(spec, "type");
            var meta = Metadata(spec, name);
            switch (type)
            {
                case "state.redis":
                    stateStores[name] = new StateStoreComponent(name, Required(meta, "redisHost", name), meta.GetValueOrDefault("keyPrefix") ?? "appid");
                    break;
                case "pubsub.redis":
                    pubSubs[name] = new PubSubComponent(
                        name,
                        Required(meta, "redisHost", name),
                        meta.GetValueOrDefault("consumerID") ?? appId,
                        Duration(meta, "processingTimeout", PubSubComponent.DefaultProcessingTimeout),
                        Duration(meta, "redeliverInterval", PubSubComponent.DefaultRedeliverInterval),
                        meta.TryGetValue("maxLenApprox", out var maxLen) ? long.Parse(maxLen, CultureInfo.InvariantCulture) : null,
                        inboundRetries.GetValueOrDefault(name));
                    break;
                case "secretstores.local.file":
                    secretStores[name] = Secrets.LocalFileSecretStore.Load(
                        name, Required(meta, "secretsFile", name), meta.GetValueOrDefault("nestedSeparator"), IsTrue(meta.GetValueOrDefault("multiValued")));
                    break;
                default:
                    // daprd would load other component types; this sidecar serves only these two and says so at start.
                    unsupported.Add($"{name} ({type})");
                    break;
            }
        }

        return new ComponentSet(stateStores, pubSubs, unsupported, secretStores);
    }

    private static bool IsTrue(string? value) => bool.TryParse(value, out var flag) && flag;

    // Dapr: a resource with a non-empty scopes list is loaded only by the app ids it names.
    private bool InScope(YamlMappingNode doc) =>
        !doc.Children.TryGetValue(new YamlScalarNode("scopes"), out var scopes)
        || scopes is not YamlSequenceNode list
        || list.Children.Count == 0
        || list.Children.OfType<YamlScalarNode>().Any(s => s.Value == appId);

    private static Dictionary<string, RetryPolicy> ReadInboundRetries(IEnumerable<YamlMappingNode> resiliencies)
    {
        var result = new Dictionary<string, RetryPolicy>(StringComparer.Ordinal);
        foreach (var doc in resiliencies)
        {
            var spec = Child(doc, "spec");
            var policies = Child(Child(spec, "policies"), "retries");
            var components = Child(Child(spec, "targets"), "components");
            if (components is null)
            {
                continue;
            }

            foreach (var (key, value) in components.Children)
            {
                var policyName = Scalar(Child(value as YamlMappingNode, "inbound"), "retry");
                if (policyName is null)
                {
                    continue;
                }

                var policy = Child(policies, policyName) ?? throw new InvalidDataException($"resiliency: retry policy {policyName} is not defined");
                result[((YamlScalarNode)key).Value!] = ReadRetryPolicy(policy);
            }
        }

        return result;
    }

    private static RetryPolicy ReadRetryPolicy(YamlMappingNode policy)
    {
        var exponential = Scalar(policy, "policy") switch
        {
            "exponential" => true,
            "constant" or null => false,
            var other => throw new InvalidDataException($"resiliency: retry policy '{other}' is not constant or exponential"),
        };
        var duration = Scalar(policy, "duration") is { } d ? GoDuration.Parse(d) : TimeSpan.FromSeconds(5);
        var maxInterval = Scalar(policy, "maxInterval") is { } m ? GoDuration.Parse(m) : TimeSpan.FromSeconds(60);
        var maxRetries = Scalar(policy, "maxRetries") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : -1;
        return new RetryPolicy(exponential, duration, maxInterval, maxRetries);
    }

    private static TimeSpan Duration(Dictionary<string, string> meta, string key, TimeSpan fallback) =>
        meta.TryGetValue(key, out var text) ? GoDuration.Parse(text, bareNumberIsMilliseconds: true) : fallback;

    private static string Required(Dictionary<string, string> meta, string key, string component) =>
        meta.TryGetValue(key, out var value) && value.Length > 0 ? value : throw new InvalidDataException($"component {component}: metadata {key} is required");

    private Dictionary<string, string> Metadata(YamlMappingNode? spec, string component)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (spec is not null && spec.Children.TryGetValue(new YamlScalarNode("metadata"), out var node) && node is YamlSequenceNode items)
        {
            foreach (var item in items.OfType<YamlMappingNode>())
            {
                if (Scalar(item, "name") is { } name)
                {
                    // secretKeyRef is not served: there is no secret store here.
                    try
                    {
                        result[name] = ConsumerIdTemplate.Expand(name, Scalar(item, "value") ?? "", appId, podName, ns, instance);
                    }
                    catch (InvalidDataException e)
                    {
                        throw new InvalidDataException($"component {component}: {e.Message}", e);
                    }
                }
            }
        }

        return result;
    }

    private static YamlMappingNode? Child(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;

    private static string? Scalar(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (child as YamlScalarNode)?.Value : null;
}
