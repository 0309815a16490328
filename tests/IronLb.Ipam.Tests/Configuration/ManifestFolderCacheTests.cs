using IronLb.Core.Configuration;
using IronLb.Ipam.Configuration;

namespace IronLb.Ipam.Tests.Configuration;

public sealed class ManifestFolderCacheTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ironlb-folder-cache-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static string ServiceYaml(string name) => $"""
        apiVersion: v1
        kind: Service
        metadata: {"{"}name: {name}, namespace: ns{"}"}
        spec:
          type: LoadBalancer
          ports: [{"{"}port: 80{"}"}]

        """;

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(_folder.FullName, file), text);

    private static string[] Names(ManifestLoadResult result) => [.. result.Configuration.Services.Select(s => s.Metadata.Name!)];

    [Fact]
    public void Load_OneFileAddedAmongMany_ParsesOnlyThatFile()
    {
        for (var i = 0; i < 20; i++)
        {
            Write($"svc-{i:D2}.yaml", ServiceYaml($"svc-{i:D2}"));
        }

        var cache = new ManifestFolderCache();
        cache.Load(_folder.FullName);
        Assert.Equal(20, cache.FilesParsed);

        Write("svc-new.yaml", ServiceYaml("svc-new"));
        var result = cache.Load(_folder.FullName);

        Assert.Equal(1, cache.FilesParsed);
        Assert.Equal(21, result.Configuration.Services.Count);
        Assert.Contains("svc-new", Names(result));
    }

    [Fact]
    public void Load_FileChangedAndFileDeleted_SameResultAsReadingTheWholeFolder()
    {
        Write("a.yaml", ServiceYaml("a"));
        Write("b.yaml", ServiceYaml("b"));
        Write("c.yaml", ServiceYaml("c"));
        var cache = new ManifestFolderCache();
        cache.Load(_folder.FullName);

        Write("b.yaml", ServiceYaml("b-renamed") + "---\n" + ServiceYaml("b-second"));
        File.Delete(Path.Combine(_folder.FullName, "c.yaml"));
        Write("d.yaml", "kind: [not, a, manifest");
        var cached = cache.Load(_folder.FullName);
        var whole = ManifestLoader.LoadDirectory(_folder.FullName);

        Assert.Equal(2, cache.FilesParsed);
        Assert.Equal(Names(whole), Names(cached));
        Assert.Equal(["a", "b-renamed", "b-second"], Names(cached));
        Assert.Equal(whole.Errors.Select(e => e.ToString()), cached.Errors.Select(e => e.ToString()));
        Assert.NotEmpty(cached.Errors);
    }

    [Fact]
    public void Load_NothingChanged_ParsesNothing()
    {
        Write("a.yaml", ServiceYaml("a"));
        var cache = new ManifestFolderCache();
        cache.Load(_folder.FullName);

        var again = cache.Load(_folder.FullName);

        Assert.Equal(0, cache.FilesParsed);
        Assert.Equal(["a"], Names(again));
    }
}
