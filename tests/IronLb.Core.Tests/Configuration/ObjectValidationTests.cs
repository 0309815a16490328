using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class ObjectValidationTests
{
    private static string Bfd(string spec, string name = "bfd") => $"apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {{ name: {name} }}\nspec: {{ {spec} }}";

    private static string CommunityYaml(string name, string aliases) => $"apiVersion: metallb.io/v1beta1\nkind: Community\nmetadata: {{ name: {name} }}\nspec: {{ communities: [{aliases}] }}";

    private static string[] Messages(params string[] documents) =>
        TestManifests.Validate(TestManifests.Documents(documents)).Select(e => e.ToString()).ToArray();

    [Fact]
    public void Validate_BfdProfileWithinBounds_IsValid() =>
        Assert.Empty(Messages(Bfd("receiveInterval: 10, transmitInterval: 60000, echoInterval: 50, detectMultiplier: 2, minimumTtl: 254")));

    [Theory]
    [InlineData("receiveInterval: 9", "spec.receiveInterval: 9 is out of range 10..60000")]
    [InlineData("transmitInterval: 60001", "spec.transmitInterval: 60001 is out of range 10..60000")]
    [InlineData("echoInterval: 5", "spec.echoInterval: 5 is out of range 10..60000")]
    [InlineData("detectMultiplier: 1", "spec.detectMultiplier: 1 is out of range 2..255")]
    [InlineData("detectMultiplier: 256", "spec.detectMultiplier: 256 is out of range 2..255")]
    [InlineData("minimumTtl: 0", "spec.minimumTtl: 0 is out of range 1..254")]
    [InlineData("minimumTtl: 255", "spec.minimumTtl: 255 is out of range 1..254")]
    public void Validate_BfdValueOutOfBounds_IsAnError(string spec, string message) =>
        Assert.Equal([$"test.yaml: BFDProfile/bfd: {message}"], Messages(Bfd(spec)));

    [Fact]
    public void Validate_CommunityAliasWithInvalidValue_IsAnError() =>
        Assert.Equal(
            ["test.yaml: Community/c: spec.communities: alias \"bad\" has invalid community value \"65536:1\" (expected \"ASN:VALUE\" with 16-bit parts or \"large:A:B:C\" with 32-bit parts)"],
            Messages(CommunityYaml("c", "{ name: bad, value: \"65536:1\" }")));

    [Fact]
    public void Validate_CommunityAliasDefinedTwice_IsAnError() =>
        Assert.Equal(
            ["test.yaml: Community/d: spec.communities: duplicate definition of community alias \"x\" (already defined in Community/c)"],
            Messages(CommunityYaml("c", "{ name: x, value: \"1:1\" }"), CommunityYaml("d", "{ name: x, value: \"1:2\" }")));

    [Fact]
    public void Validate_DuplicateNamesInEveryKind_AreErrors()
    {
        string[] twice =
        [
            "apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: { name: l2 }",
            "apiVersion: metallb.io/v1beta1\nkind: BGPAdvertisement\nmetadata: { name: bgp }",
            TestManifests.Peer("myASN: 64500\npeerASN: 64501\npeerAddress: 192.0.2.1"),
            Bfd("detectMultiplier: 3"),
            CommunityYaml("c", ""),
            "apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }",
            "apiVersion: v1\nkind: Node\nmetadata: { name: node-a }",
            "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: { name: web-1, namespace: shop }",
            "apiVersion: v1\nkind: Secret\nmetadata: { name: s, namespace: metallb-system }",
        ];

        var messages = Messages([.. twice, .. twice]);

        Assert.Equal(twice.Length, messages.Length);
        Assert.All(messages, m => Assert.Contains("duplicate", m, StringComparison.Ordinal));
        Assert.Contains("test.yaml: Service/web: duplicate Service name \"shop/web\" (already defined in test.yaml)", messages);
    }

    [Fact]
    public void Validate_SameServiceNameInTwoNamespaces_IsValid() =>
        Assert.Empty(Messages(
            "apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }",
            "apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: blog }"));

    [Fact]
    public void Validate_ErrorsFromSeveralFiles_AreGroupedByFile()
    {
        var configuration = ClusterConfiguration.Empty with
        {
            BfdProfiles =
            [
                new BfdProfile { Metadata = new ObjectMeta { Name = "b" }, SourceFile = "z.yaml", Spec = new BfdProfileSpec { DetectMultiplier = 1 } },
                new BfdProfile { Metadata = new ObjectMeta { Name = "a" }, SourceFile = "a.yaml", Spec = new BfdProfileSpec { MinimumTtl = 0 } },
            ],
        };

        var errors = ConfigurationValidator.Validate(configuration);

        Assert.Equal(["a.yaml", "z.yaml"], errors.Select(e => e.File));
    }

    [Fact]
    public void Validate_RepeatedSelectorExpressionOrValue_AreErrors() =>
        Assert.Equal(
            [
                "test.yaml: L2Advertisement/l2: spec.nodeSelectors[0].matchExpressions[1]: duplicate match expression on key \"zone\"",
                "test.yaml: L2Advertisement/l2: spec.nodeSelectors[0].matchExpressions[2].values: duplicate entry \"r1\"",
                "test.yaml: L2Advertisement/l2: spec.nodeSelectors[2]: duplicate label selector {zone=a}",
            ],
            Messages("""
                apiVersion: metallb.io/v1beta1
                kind: L2Advertisement
                metadata: { name: l2 }
                spec:
                  nodeSelectors:
                    - matchExpressions:
                        - { key: zone, operator: In, values: [a] }
                        - { key: zone, operator: In, values: [a] }
                        - { key: rack, operator: In, values: [r1, r1] }
                    - matchLabels: { zone: a }
                    - matchLabels: { zone: a }
                """));
}
