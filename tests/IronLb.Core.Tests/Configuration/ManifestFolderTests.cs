using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

public sealed class ManifestFolderTests
{
    private static readonly string Examples = Path.Combine(TestManifests.RepositoryRoot(), "examples");
    private static readonly string TestData = Path.Combine(TestManifests.RepositoryRoot(), "tests", "IronLb.Core.Tests", "TestData");

    [Fact]
    public void LoadAndValidate_Examples_AreValid()
    {
        var errors = ConfigurationValidator.LoadAndValidate(Examples, out var configuration);

        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Equal(["public-v4", "public-v6", "team-a"], configuration.IpAddressPools.Select(p => p.Name));
        Assert.Equal(["metallb.io/v1beta2", "metallb.io/v1beta1"], configuration.BgpPeers.Select(p => p.ApiVersion));
        Assert.Equal(["eth0"], Assert.Single(configuration.L2Advertisements).Spec.Interfaces);
        Assert.Single(configuration.BgpAdvertisements);
        Assert.Single(configuration.BfdProfiles);
        Assert.Single(configuration.Communities);
        Assert.Single(configuration.Secrets);
        Assert.Equal(["web", "api", "dns-tcp", "dns-udp", "checkout", "ingress"], configuration.Services.Select(s => s.Name));
        Assert.Equal(["node-a", "node-b"], configuration.Nodes.Select(n => n.Name));
        Assert.Equal("ingress", Assert.Single(configuration.EndpointSlices).ServiceName);
        Assert.Equal(
            ["endpointslices.json", "metallb.yaml", "nodes.yaml", "services.yaml"],
            configuration.AllObjects.Select(o => o.SourceFile).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LoadAndValidate_BrokenFolder_GivesOneLinePerErrorWithFileKindAndName()
    {
        var expected = File.ReadAllLines(Path.Combine(TestData, "broken-expected-errors.txt"));

        var errors = ConfigurationValidator.LoadAndValidate(Path.Combine(TestData, "broken"), out _);

        Assert.Equal(expected, errors.Select(e => e.ToString()));
    }

    [Fact]
    public void LoadAndValidate_BrokenFolder_KeepsEveryReadableObject()
    {
        ConfigurationValidator.LoadAndValidate(Path.Combine(TestData, "broken"), out var configuration);

        Assert.Equal(["front", "back", "backwards"], configuration.IpAddressPools.Select(p => p.Name));
        Assert.Equal(4, configuration.BgpPeers.Count);
        Assert.Empty(configuration.BfdProfiles); // its only field had the wrong type
        Assert.DoesNotContain(configuration.IpAddressPools, p => p.Name == "hidden");
    }

    [Fact]
    public void LoadDirectory_NestedAndHiddenFiles_ReadsSortedRelativePathsAndSkipsHidden()
    {
        using var folder = new TemporaryFolder();
        folder.Write("b.yaml", "apiVersion: v1\nkind: Node\nmetadata: { name: from-b }");
        folder.Write("a/z.yml", "apiVersion: v1\nkind: Node\nmetadata: { name: from-a-z }");
        folder.Write("A.JSON", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"from-upper-a\"}}");
        folder.Write(".git/config.yaml", "apiVersion: v1\nkind: Node\nmetadata: { name: in-hidden-folder }");
        folder.Write(".draft.yaml", "apiVersion: v1\nkind: Node\nmetadata: { name: hidden-file }");
        folder.Write("notes.txt", "apiVersion: v1\nkind: Node\nmetadata: { name: not-a-manifest-extension }");

        var result = ManifestLoader.LoadDirectory(folder.Path);

        Assert.Empty(result.Errors);
        Assert.Equal(["from-upper-a", "from-a-z", "from-b"], result.Configuration.Nodes.Select(n => n.Name));
        Assert.Equal(["A.JSON", "a/z.yml", "b.yaml"], result.Configuration.Nodes.Select(n => n.SourceFile));
    }

    [Fact]
    public void LoadFile_SingleFile_NamesItAsGiven()
    {
        var path = Path.Combine(TestData, "broken", "types.yaml");

        var error = Assert.Single(ManifestLoader.LoadFile(path).Errors);

        Assert.Equal(path, error.File);
    }

    [Fact]
    public void LoadDirectory_SameFilesWrittenInAnotherOrder_GivesIdenticalCanonicalJson()
    {
        var names = Directory.GetFiles(Examples).Select(Path.GetFileName).OfType<string>().ToArray();
        using var forward = new TemporaryFolder();
        using var backward = new TemporaryFolder();
        foreach (var name in names)
        {
            forward.Write(name, File.ReadAllText(Path.Combine(Examples, name)));
        }

        foreach (var name in names.Reverse())
        {
            backward.Write(name, File.ReadAllText(Path.Combine(Examples, name)));
        }

        var first = ManifestLoader.LoadDirectory(forward.Path).Configuration;
        var second = ManifestLoader.LoadDirectory(backward.Path).Configuration;

        Assert.Equal(first, second);
        Assert.Equal(first.ToCanonicalJson(), second.ToCanonicalJson());
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    /// <summary>A scratch folder removed on dispose, also when the test fails.</summary>
    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("ironlb-config-").FullName;

        public void Write(string relative, string text)
        {
            var full = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
