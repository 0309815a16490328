using System.Text.Json.Nodes;
using IronLb.Core.Configuration;
using IronLb.Ipam.Kubernetes;
using IronLb.Testing;

namespace IronLb.Ipam.Tests.Kubernetes;

public class ClusterConfigurationMapperTests
{
    [Fact]
    public void Map_ExampleObjects_SameConfigurationAsTheFolder()
    {
        var folder = ManifestLoader.LoadDirectory(RepositoryLayout.PathOf("examples")).Configuration;
        var objects = Directory.EnumerateFiles(RepositoryLayout.PathOf("examples"))
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal))
            .SelectMany(ManifestJson.ReadFile)
            .ToList();

        var mapped = ClusterConfigurationMapper.Map(Snapshot(objects), "metallb-system");

        Assert.Empty(mapped.Errors);
        Assert.Empty(ConfigurationValidator.Validate(mapped.Configuration));
        // The API serves every BGPPeer at v1beta2, converting the v1beta1 one.
        var expected = folder.AllObjects.Select(o => o is BgpPeer peer ? peer with { ApiVersion = ApiVersions.MetalLbV1Beta2 } : o);
        Assert.Equal(Comparable(expected), Comparable(mapped.Configuration.AllObjects));
    }

    [Fact]
    public void Map_ObjectsIpamDoesNotUse_LeftOut()
    {
        var objects = new List<JsonObject>
        {
            Service("shop", "web", "LoadBalancer"),
            Service("shop", "internal", "ClusterIP"),
            Slice("shop", "web-abc", "web"),
            Slice("shop", "internal-abc", "internal"),
            Object("v1", "Secret", "metallb-system", "tor-password"),
            Object("v1", "Secret", "metallb-system", "unrelated"),
            Peer("tor", "tor-password"),
            Object("metallb.io/v1beta1", "IPAddressPool", "elsewhere", "stray"),
        };

        var configuration = ClusterConfigurationMapper.Map(Snapshot(objects), "metallb-system").Configuration;

        Assert.Equal(["web"], configuration.Services.Select(s => s.Name));
        Assert.Equal(["web-abc"], configuration.EndpointSlices.Select(s => s.Name));
        Assert.Equal(["tor-password"], configuration.Secrets.Select(s => s.Name));
        Assert.Empty(configuration.IpAddressPools);
    }

    [Fact]
    public void Map_ServiceWithStatusAndPoolAnnotation_LeavesOutWhatIpamWrites()
    {
        var service = Service("shop", "web", "LoadBalancer");
        service["metadata"]!["annotations"] = new JsonObject { ["metallb.io/ip-allocated-from-pool"] = "public", ["metallb.io/address-pool"] = "public" };
        service["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "192.0.2.1" }) } };

        var mapped = ClusterConfigurationMapper.Map(Snapshot([service]), "metallb-system").Configuration.Services.Single();

        Assert.Empty(mapped.Status.LoadBalancerIngress);
        Assert.Equal(["metallb.io/address-pool"], mapped.Metadata.Annotations.Keys);
    }

    [Fact]
    public void Map_SameObjectsInAnotherOrderWithoutKinds_EqualConfiguration()
    {
        List<JsonObject> objects = [Service("b", "two", "LoadBalancer"), Service("a", "one", "LoadBalancer"), Object("v1", "Node", "", "node-a")];
        var listed = objects.Select(o => (JsonObject)o.DeepClone()).Reverse().ToList();
        foreach (var item in listed)
        {
            // List items of built-in kinds come without apiVersion and kind.
            item.Remove("apiVersion");
            item.Remove("kind");
        }

        var first = ClusterConfigurationMapper.Map(Snapshot(objects), "metallb-system").Configuration;
        var second = ClusterConfigurationMapper.Map(Snapshot(listed), "metallb-system").Configuration;

        Assert.Equal(first, second);
        Assert.Equal(["a/one", "b/two"], first.Services.Select(s => s.Namespace + "/" + s.Name));
    }

    [Fact]
    public void ReadService_WithStatus_ReadsIngressAndAnnotations()
    {
        var service = Service("shop", "web", "LoadBalancer");
        service.Remove("kind");
        service["metadata"]!["annotations"] = new JsonObject { ["metallb.io/ip-allocated-from-pool"] = "public" };
        service["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "192.0.2.1", ["ipMode"] = "VIP" }) } };

        var read = ClusterConfigurationMapper.ReadService(service);

        Assert.NotNull(read);
        Assert.Equal(["192.0.2.1"], read.Status.LoadBalancerIngress.Select(i => i.Ip));
        Assert.Equal("public", read.Metadata.Annotations["metallb.io/ip-allocated-from-pool"]);
    }

    /// <summary>Sorts objects into the resources the watches would have put them in, by kind.</summary>
    private static Dictionary<WatchedResource, IReadOnlyList<JsonObject>> Snapshot(IEnumerable<JsonObject> objects)
    {
        var byKind = objects.ToLookup(o => o["kind"]?.GetValue<string>());
        return WatchedResource.All.ToDictionary(r => r, r => (IReadOnlyList<JsonObject>)[.. byKind[r.Kind], .. byKind[null].Where(o => BelongsTo(o, r))]);
    }

    // Objects stripped of their kind in a test are Services and Nodes: tell them apart by their namespace.
    private static bool BelongsTo(JsonObject item, WatchedResource resource) =>
        resource == (item["metadata"]!["namespace"] is null ? WatchedResource.Nodes : WatchedResource.Services);

    /// <summary>Objects as comparable text: the source file differs by design, and objects are ordered by kind, namespace and name.</summary>
    private static List<string> Comparable(IEnumerable<ManifestObject> objects) =>
        [.. objects.Select(o => System.Text.Json.JsonSerializer.Serialize<object>(o with { SourceFile = "" })).Order(StringComparer.Ordinal)];

    private static JsonObject Object(string apiVersion, string kind, string ns, string name)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns.Length > 0)
        {
            metadata["namespace"] = ns;
        }

        return new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
    }

    private static JsonObject Service(string ns, string name, string type)
    {
        var service = Object("v1", "Service", ns, name);
        service["spec"] = new JsonObject { ["type"] = type, ["ports"] = new JsonArray(new JsonObject { ["port"] = 80 }) };
        return service;
    }

    private static JsonObject Slice(string ns, string name, string service)
    {
        var slice = Object("discovery.k8s.io/v1", "EndpointSlice", ns, name);
        slice["metadata"]!["labels"] = new JsonObject { ["kubernetes.io/service-name"] = service };
        slice["addressType"] = "IPv4";
        return slice;
    }

    private static JsonObject Peer(string name, string secret)
    {
        var peer = Object("metallb.io/v1beta2", "BGPPeer", "metallb-system", name);
        peer["spec"] = new JsonObject { ["myASN"] = 64500, ["peerASN"] = 64501, ["peerAddress"] = "192.0.2.1", ["passwordSecret"] = new JsonObject { ["name"] = secret } };
        return peer;
    }
}
