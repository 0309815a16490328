using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class ExcludeL2Tests
{
    private static string ConfigMap(string name, string yaml) => $$"""
        apiVersion: v1
        kind: ConfigMap
        metadata: { name: {{name}}, namespace: metallb-system }
        data:
          excludel2.yaml: |
        {{string.Join("\n", yaml.Split('\n').Select(l => "    " + l))}}
        """;

    [Fact]
    public void Load_NoExcludeL2ConfigMap_MetalLbsShippedDefaultsApply()
    {
        var configuration = TestManifests.Load(TestManifests.Pool);

        Assert.Equal(ExcludeL2.MetalLbDefaults, configuration.Layer2InterfaceExclusions);
        Assert.Contains("^veth.*", configuration.Layer2InterfaceExclusions);
    }

    [Fact]
    public void Load_ExcludeL2ConfigMap_ItsListReplacesTheDefaults()
    {
        var configuration = TestManifests.Load(TestManifests.Documents(
            TestManifests.Pool,
            ConfigMap("metallb-excludel2", "announcedInterfacesToExclude: [\"^eth9$\", \"^cali.*\"]"),
            ConfigMap("some-other-config", "anything: [1, 2]")));

        Assert.Equal(["^eth9$", "^cali.*"], configuration.Layer2InterfaceExclusions);
        Assert.Single(configuration.ExcludeL2);
    }

    [Fact]
    public void Validate_PatternThatIsNoRegularExpression_IsAnError()
    {
        var errors = TestManifests.Validate(ConfigMap("metallb-excludel2", "announcedInterfacesToExclude: [\"^ok$\", \"(unclosed\"]"));

        var error = Assert.Single(errors);
        Assert.StartsWith("test.yaml: ConfigMap/metallb-excludel2: data.excludel2.yaml: announcedInterfacesToExclude[1]: \"(unclosed\" is not a regular expression", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExcludeL2WithoutItsKey_IsAnError()
    {
        var result = ManifestLoader.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: metallb-excludel2 }\ndata: { other: x }", "test.yaml");

        Assert.Contains(result.Errors, e => e.Message.StartsWith("data.excludel2.yaml: is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ExcludeL2ConfigMap_AcceptedWithoutWarningAndItsListApplies()
    {
        var configuration = TestManifests.Load(ConfigMap("metallb-excludel2", "announcedInterfacesToExclude: [\"^eth9$\"]"));

        var errors = ConfigurationValidator.Validate(configuration, out var warnings);

        Assert.Empty(errors);
        Assert.Empty(warnings);
        Assert.Equal(["^eth9$"], configuration.Layer2InterfaceExclusions);
    }
}
