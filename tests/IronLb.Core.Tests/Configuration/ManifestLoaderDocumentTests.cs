using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class ManifestLoaderDocumentTests
{
    [Fact]
    public void Parse_MultiDocumentYaml_ReadsEveryDocumentInOrder()
    {
        var configuration = TestManifests.Load("""
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: { name: first }
            spec: { addresses: [203.0.113.0/28] }
            ---
            # an empty document is skipped
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: { name: second }
            spec: { addresses: [203.0.113.16/28] }
            ...
            """);

        Assert.Equal(["first", "second"], configuration.IpAddressPools.Select(p => p.Name));
    }

    [Fact]
    public void Parse_JsonFile_ReadsTheSameModelAsYaml()
    {
        var fromJson = ManifestLoader.Parse("""
            {
              "apiVersion": "metallb.io/v1beta2",
              "kind": "BGPPeer",
              "metadata": { "name": "peer-a", "namespace": "metallb-system" },
              "spec": { "myASN": 64500, "peerASN": 64501, "peerAddress": "192.0.2.1", "holdTime": "90s" }
            }
            """, "peer.json");
        var fromYaml = ManifestLoader.Parse(TestManifests.Peer("myASN: 64500\npeerASN: 64501\npeerAddress: 192.0.2.1\nholdTime: 90s"), "peer.json.yaml");

        Assert.Empty(fromJson.Errors);
        Assert.Equal(fromYaml.Configuration.BgpPeers[0] with { SourceFile = "peer.json" }, Assert.Single(fromJson.Configuration.BgpPeers));
    }

    [Fact]
    public void Parse_KindList_ReadsEveryItem()
    {
        var configuration = TestManifests.Load("""
            apiVersion: v1
            kind: List
            items:
              - { apiVersion: v1, kind: Node, metadata: { name: node-a } }
              - { apiVersion: v1, kind: Node, metadata: { name: node-b } }
              - { apiVersion: apps/v1, kind: Deployment, metadata: { name: ignored } }
            """);

        Assert.Equal(["node-a", "node-b"], configuration.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void Parse_UnknownKinds_AreIgnoredWithoutErrors()
    {
        var result = ManifestLoader.Parse("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: web }
            spec: { replicas: "not even checked" }
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: { name: settings }
            """, "other.yaml");

        Assert.Empty(result.Errors);
        Assert.Empty(result.Configuration.AllObjects);
    }

    [Fact]
    public void Parse_YamlAnchorsAndAliases_AreExpanded()
    {
        var configuration = TestManifests.Load("""
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata: { name: l2 }
            spec:
              ipAddressPools: &pools [pool-a, pool-b]
              interfaces: *pools
            """);

        Assert.Equal(["pool-a", "pool-b"], configuration.L2Advertisements[0].Spec.Interfaces);
    }

    [Fact]
    public void Parse_MalformedYaml_ReportsLineAndKeepsEarlierDocuments()
    {
        var result = ManifestLoader.Parse("""
            apiVersion: v1
            kind: Node
            metadata: { name: node-a }
            ---
            apiVersion: v1
            kind: Node
            metadata: { name: [unclosed
            """, "nodes.yaml");

        Assert.Equal(["node-a"], result.Configuration.Nodes.Select(n => n.Name));
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("nodes.yaml: Document/#2: malformed YAML at line", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MalformedJson_ReportsOneDocumentError()
    {
        var result = ManifestLoader.Parse("{ \"apiVersion\": \"v1\", ", "bad.json");

        var error = Assert.Single(result.Errors);
        Assert.Equal(("bad.json", "Document", "#1"), (error.File, error.Kind, error.Name));
        Assert.StartsWith("malformed JSON at line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateYamlKey_IsAnError()
    {
        var result = ManifestLoader.Parse("apiVersion: v1\nkind: Node\nkind: Service\nmetadata: { name: a }\n", "dup.yaml");

        Assert.Contains(result.Errors, e => e.Message.Contains("duplicate key \"kind\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("autoAssign: \"yes\"", "spec.autoAssign: expected true or false, got the string \"yes\"")]
    [InlineData("addresses: 203.0.113.0/27", "spec.addresses: expected a list, got the string \"203.0.113.0/27\"")]
    [InlineData("addresses: [203.0.113.0/27, 42]", "spec.addresses[1]: expected a string, got the number 42")]
    [InlineData("serviceAllocation: { priority: high }", "spec.serviceAllocation.priority: expected an integer, got the string \"high\"")]
    public void Parse_WrongFieldType_ReportsFieldAndLeavesObjectOut(string specLine, string expected)
    {
        var result = ManifestLoader.Parse($"apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {{ name: pool-a }}\nspec:\n  {specLine}\n", "pools.yaml");

        Assert.Empty(result.Configuration.IpAddressPools);
        Assert.Contains($"pools.yaml: IPAddressPool/pool-a: {expected}", result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("myASN: 4294967296", "spec.myASN: 4294967296 is out of range 0..4294967295")]
    [InlineData("myASN: -1", "spec.myASN: -1 is out of range 0..4294967295")]
    [InlineData("holdTime: 90", "spec.holdTime: expected a string, got the number 90")]
    [InlineData("holdTime: ninety", "spec.holdTime: \"ninety\" is not a duration (expected a form such as \"90s\", \"1m30s\" or \"250ms\")")]
    [InlineData("peerPort: 179.5", "spec.peerPort: expected an integer, got the number 179.5")]
    public void Parse_BgpPeerWrongFieldType_ReportsField(string specLine, string expected)
    {
        var result = ManifestLoader.Parse(TestManifests.Peer(specLine), "peers.yaml");

        Assert.Contains($"peers.yaml: BGPPeer/peer-a: {expected}", result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Parse_QuotedNumberWhereStringExpected_IsAString()
    {
        var configuration = TestManifests.Load("apiVersion: v1\nkind: Node\nmetadata:\n  name: \"42\"\n  labels: { rack: \"7\", enabled: \"true\" }\n");

        var node = Assert.Single(configuration.Nodes);
        Assert.Equal(("42", "7", "true"), (node.Name, node.Metadata.Labels["rack"], node.Metadata.Labels["enabled"]));
    }

    [Fact]
    public void Parse_UnsupportedApiVersionOfKnownKind_IsAnError()
    {
        var result = ManifestLoader.Parse("apiVersion: metallb.io/v1alpha1\nkind: BGPPeer\nmetadata: { name: old }\n", "old.yaml");

        Assert.Equal(
            "old.yaml: BGPPeer/old: apiVersion: \"metallb.io/v1alpha1\" is not supported for BGPPeer (expected metallb.io/v1beta1 or metallb.io/v1beta2)",
            Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_MissingNameOrKind_IsAnError()
    {
        var result = ManifestLoader.Parse("apiVersion: v1\nkind: Node\nmetadata: {}\n---\napiVersion: v1\nmetadata: { name: x }\n---\n- just\n- a list\n", "bad.yaml");

        Assert.Equal(
            [
                "bad.yaml: Node/#1: metadata.name: is required",
                "bad.yaml: Document/#2: kind is missing",
                "bad.yaml: Document/#3: expected a Kubernetes object (a mapping with apiVersion and kind)",
            ],
            result.Errors.Select(e => e.ToString()));
    }
}
