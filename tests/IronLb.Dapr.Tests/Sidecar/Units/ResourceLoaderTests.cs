using IronLb.Dapr.Tests.Sidecar.Infrastructure;
using IronLb.LocalSidecar.Components;

namespace IronLb.Dapr.Tests.Sidecar.Units;

public sealed class ResourceLoaderTests
{
    private static readonly Guid Instance = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private readonly ResourceLoader _loader = new("layer2", "layer2-node-a", "metallb-system", Instance);

    [Fact]
    public void Defaults_NoResourcesPath_StatestoreAndPubsubAsDaprInit()
    {
        var set = _loader.Defaults("127.0.0.1:6379");

        Assert.Equal(new StateStoreComponent("statestore", "127.0.0.1:6379", "appid"), set.StateStores["statestore"]);
        var pubsub = set.PubSubs["pubsub"];
        Assert.Equal(("layer2", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60)), (pubsub.ConsumerId, pubsub.ProcessingTimeout, pubsub.RedeliverInterval));
        Assert.Null(pubsub.InboundRetry);
    }

    [Fact]
    public void Load_ComponentsWithTemplatesAndTimings_Parsed()
    {
        using var files = new ComponentFiles().Write("c.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: bus
            spec:
              type: pubsub.redis
              version: v1
              metadata:
              - name: redisHost
                value: redis:6379
              - name: consumerID
                value: "{namespace}-{podName}-{appID}"
              - name: processingTimeout
                value: "2s"
              - name: redeliverInterval
                value: "500"
              - name: maxLenApprox
                value: "1000"
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: shared
            spec:
              type: state.redis
              version: v1
              metadata:
              - name: redisHost
                value: redis:6379
              - name: keyPrefix
                value: name
            """);

        var set = _loader.Load(files.Directory);

        Assert.Equal(new PubSubComponent("bus", "redis:6379", "metallb-system.layer2-layer2-node-a-layer2", TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), 1000, null), set.PubSubs["bus"]);
        Assert.Equal(new StateStoreComponent("shared", "redis:6379", "name"), set.StateStores["shared"]);
    }

    [Fact]
    public void Load_PodNameTemplateWithoutPodName_RefusedAsDaprdDoes()
    {
        using var files = new ComponentFiles().Write("c.yaml", PubSub("p", "{podName}"));
        var loader = new ResourceLoader("layer2", podName: null, "metallb-system", Instance);

        var refused = Assert.Throws<InvalidDataException>(() => loader.Load(files.Directory));

        Assert.Contains("refers to {podName} but podName is not set", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NamespaceTemplateWithoutNamespace_ExpandsToDotAppId()
    {
        using var files = new ComponentFiles().Write("c.yaml", PubSub("p", "{namespace}"));

        Assert.Equal(".layer2", new ResourceLoader("layer2", "pod", null, Instance).Load(files.Directory).PubSubs["p"].ConsumerId);
    }

    [Fact]
    public void Load_UuidTemplate_ExpandsToInstanceId()
    {
        using var files = new ComponentFiles().Write("c.yaml", PubSub("p", "{uuid}"));

        Assert.Equal(Instance.ToString(), _loader.Load(files.Directory).PubSubs["p"].ConsumerId);
    }

    [Fact]
    public void Load_ScopesWithoutThisApp_ComponentSkipped()
    {
        using var files = new ComponentFiles()
            .Write("mine.yaml", PubSub("mine", "x") + "scopes:\n- layer2\n")
            .Write("theirs.yaml", PubSub("theirs", "x") + "scopes:\n- ipam\n- election\n");

        var set = _loader.Load(files.Directory);

        Assert.True(set.PubSubs.ContainsKey("mine"));
        Assert.False(set.PubSubs.ContainsKey("theirs"));
    }

    [Fact]
    public void Load_ResiliencyInboundRetry_AttachedToComponent()
    {
        using var files = new ComponentFiles().Write("c.yaml", PubSub("pubsub", "x")).Write("r.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: r
            spec:
              policies:
                retries:
                  backoff:
                    policy: exponential
                    maxInterval: 2s
                    maxRetries: -1
              targets:
                components:
                  pubsub:
                    inbound:
                      retry: backoff
            """);

        var retry = _loader.Load(files.Directory).PubSubs["pubsub"].InboundRetry;

        Assert.Equal(new RetryPolicy(true, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), -1), retry);
        Assert.Equal(RetryPolicy.RetryCap, retry!.EffectiveRetries);
    }

    [Fact]
    public void Load_UnsupportedComponentType_SkippedAndReported()
    {
        using var files = new ComponentFiles().Write("c.yaml", PubSub("k", "x").Replace("pubsub.redis", "pubsub.kafka", StringComparison.Ordinal));

        var set = _loader.Load(files.Directory);

        Assert.Empty(set.PubSubs);
        Assert.Equal(["k (pubsub.kafka)"], set.Unsupported);
    }

    [Fact]
    public void Load_RepositoryComponentsFolder_LayerTwoGetsPerPodGroupNameKeysAndRetries()
    {
        var root = new DirectoryInfo(Path.GetDirectoryName(ThisFile())!);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "IronLb.slnx")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var set = new ResourceLoader("layer2", "layer2-node-a", null, Instance).Load(Path.Combine(root.FullName, "components"));

        Assert.Empty(set.Unsupported);
        Assert.Equal("name", set.StateStores["statestore"].KeyPrefix);
        Assert.Equal("layer2-layer2-node-a", set.PubSubs["pubsub-node"].ConsumerId);
        Assert.False(set.PubSubs.ContainsKey("pubsub"));
        Assert.NotNull(set.PubSubs["pubsub-node"].InboundRetry);
    }

    [Fact]
    public void Load_MissingRedisHost_Throws()
    {
        using var files = new ComponentFiles().Write("c.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: s
            spec:
              type: state.redis
              metadata: []
            """);

        Assert.Throws<InvalidDataException>(() => _loader.Load(files.Directory));
    }

    [Fact]
    public void DelayBefore_Exponential_GrowsByHalfAndIsCapped()
    {
        var policy = new RetryPolicy(true, TimeSpan.Zero, TimeSpan.FromSeconds(1), 5);

        Assert.Equal(
            [500, 750, 1000, 1000],
            Enumerable.Range(1, 4).Select(r => policy.DelayBefore(r).TotalMilliseconds));
    }

    [Fact]
    public void DelayBefore_Constant_Duration() =>
        Assert.Equal(TimeSpan.FromMilliseconds(10), new RetryPolicy(false, TimeSpan.FromMilliseconds(10), TimeSpan.Zero, 3).DelayBefore(3));

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    private static string PubSub(string name, string consumerId) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: pubsub.redis
          version: v1
          metadata:
          - name: redisHost
            value: redis:6379
          - name: consumerID
            value: "{consumerId}"

        """;
}
