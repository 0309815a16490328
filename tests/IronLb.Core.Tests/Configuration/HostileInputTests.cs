using System.Text;
using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class HostileInputTests
{
    [Fact]
    public void Parse_DeeplyNestedYaml_IsAnErrorNotACrash()
    {
        var yaml = "apiVersion: v1\nkind: Node\nmetadata: { name: n }\nspec: " + new string('[', 10_000) + new string(']', 10_000) + "\n";

        var result = ManifestLoader.Parse(yaml, "deep.yaml");

        Assert.Contains("nesting deeper than 64 levels", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AliasBomb_IsAnErrorNotAnExplosion()
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: Node\nmetadata: { name: n }\nl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= 9; level++)
        {
            yaml.Append($"l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 10))}]\n");
        }

        var result = ManifestLoader.Parse(yaml.ToString(), "bomb.yaml");

        Assert.Contains("expands to more than 1000000 nodes", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
        Assert.Empty(result.Configuration.Nodes);
    }

    [Fact]
    public void Parse_DeeplyNestedJson_IsAnError()
    {
        var json = "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n\"},\"spec\":" + new string('[', 1000) + new string(']', 1000) + "}";

        var result = ManifestLoader.Parse(json, "deep.json");

        Assert.StartsWith("malformed JSON", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }
}
