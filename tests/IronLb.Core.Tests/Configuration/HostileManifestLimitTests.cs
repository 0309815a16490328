using System.Text;
using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

/// <summary>The manifest loader's other limits, one test each (depth, alias and size budgets are in <see cref="HostileInputTests"/>).</summary>
public sealed class HostileManifestLimitTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ironlb-hostile-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Parse_DeepBlockMappings_IsAnErrorNotACrash()
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: Node\nmetadata: { name: n }\nspec:\n");
        for (var level = 1; level <= 200; level++)
        {
            yaml.Append(new string(' ', level)).Append("k:\n");
        }

        var result = ManifestLoader.Parse(yaml.ToString(), "mappings.yaml");

        Assert.Contains("nesting deeper than 64 levels", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreNodesThanTheBudgetWithoutAliases_IsAnError()
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: Node\nmetadata: { name: n }\nspec: [");
        yaml.Insert(yaml.Length, "0,", 1_000_001).Append("0]\n");

        var result = ManifestLoader.Parse(yaml.ToString(), "wide.yaml");

        Assert.Contains("expands to more than 1000000 nodes", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AliasToItsOwnAnchor_IsAnErrorNotALoop()
    {
        var result = ManifestLoader.Parse("apiVersion: v1\nkind: Node\nmetadata: { name: n }\nspec: &self [*self]\n", "self.yaml");

        Assert.Contains("unknown alias *self", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDirectory_SymlinkLoop_EndsAndLoadsTheRealFiles()
    {
        File.WriteAllText(Path.Combine(_root, "pool.yaml"), TestManifests.Pool);
        Directory.CreateSymbolicLink(Path.Combine(_root, "loop"), _root);

        var result = ManifestLoader.LoadDirectory(_root);

        Assert.Empty(result.Errors);
        Assert.Single(result.Configuration.IpAddressPools);
    }

    [Fact]
    public void LoadDirectory_FoldersDeeperThanTheLimit_NotRead()
    {
        var shallow = Path.Combine(_root, "a");
        var deep = Path.Combine([_root, .. Enumerable.Repeat("d", 40)]);
        Directory.CreateDirectory(shallow);
        Directory.CreateDirectory(deep);
        File.WriteAllText(Path.Combine(shallow, "pool.yaml"), TestManifests.Pool);
        File.WriteAllText(Path.Combine(deep, "pool.yaml"), TestManifests.Pool.Replace("pool-a", "pool-deep", StringComparison.Ordinal));

        var result = ManifestLoader.LoadDirectory(_root);

        Assert.Equal(["pool-a"], result.Configuration.IpAddressPools.Select(p => p.Name));
    }
}
