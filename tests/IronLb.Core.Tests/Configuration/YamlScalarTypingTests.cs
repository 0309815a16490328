using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class YamlScalarTypingTests
{
    [Theory]
    [InlineData("3", 3u)]
    [InlineData("0x1F", 31u)]
    [InlineData("0o17", 15u)]
    [InlineData("+4", 4u)]
    [InlineData("3.0", 3u)]
    public void Parse_PlainYamlInteger_ReadsAsNumber(string text, uint expected)
    {
        var configuration = TestManifests.Load($"apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {{ name: b }}\nspec: {{ detectMultiplier: {text} }}");

        Assert.Equal(expected, configuration.BfdProfiles[0].Spec.DetectMultiplier);
    }

    [Theory]
    [InlineData("\"3\"", "expected an integer, got the string \"3\"")]
    [InlineData("3.5", "expected an integer, got the number 3.5")]
    [InlineData("true", "expected an integer, got the boolean true")]
    [InlineData("[3]", "expected an integer, got a list")]
    public void Parse_NonIntegerYamlScalar_IsAnError(string text, string message)
    {
        var result = ManifestLoader.Parse($"apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {{ name: b }}\nspec: {{ detectMultiplier: {text} }}", "b.yaml");

        Assert.Equal($"b.yaml: BFDProfile/b: spec.detectMultiplier: {message}", Assert.Single(result.Errors).ToString());
    }

    [Theory]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("")]
    public void Parse_YamlNull_MeansNotSet(string text)
    {
        var configuration = TestManifests.Load($"apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {{ name: p }}\nspec:\n  addresses: [203.0.113.0/27]\n  autoAssign: {text}\n");

        Assert.True(configuration.IpAddressPools[0].Spec.AutoAssign);
    }

    [Fact]
    public void Parse_StringTagOnPlainScalar_KeepsItAString()
    {
        var configuration = TestManifests.Load("apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  labels: { rack: !!str 12 }\n");

        Assert.Equal("12", configuration.Nodes[0].Metadata.Labels["rack"]);
    }
}
