using IronLb.Core.Configuration;

namespace IronLb.Core.Tests.Configuration;

/// <summary>Shared helpers: parse YAML that must load cleanly, validate it, find the repository's folders.</summary>
internal static class TestManifests
{
    public static ClusterConfiguration Load(string yaml, string fileName = "test.yaml")
    {
        var result = ManifestLoader.Parse(yaml, fileName);
        Assert.True(result.Errors.Count == 0, "unexpected load errors:\n" + string.Join("\n", result.Errors));
        return result.Configuration;
    }

    /// <summary>Loads then validates, returning the validation messages.</summary>
    public static IReadOnlyList<ConfigurationError> Validate(string yaml) => ConfigurationValidator.Validate(Load(yaml));

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        for (var depth = 0; depth < 16 && directory is not null; depth++, directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IronLb.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("IronLb.slnx not found above " + AppContext.BaseDirectory);
    }

    public const string Pool = """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata: { name: pool-a, namespace: metallb-system }
        spec:
          addresses: [203.0.113.0/27]
        """;

    public static string Peer(string specLines, string version = "v1beta2", string name = "peer-a") => $$"""
        apiVersion: metallb.io/{{version}}
        kind: BGPPeer
        metadata: { name: {{name}}, namespace: metallb-system }
        spec:
        {{Indent(specLines)}}
        """;

    public static string BgpAdvertisement(string specLines, string name = "adv-a") => $$"""
        apiVersion: metallb.io/v1beta1
        kind: BGPAdvertisement
        metadata: { name: {{name}}, namespace: metallb-system }
        spec:
        {{Indent(specLines)}}
        """;

    public static string Documents(params string[] documents) => string.Join("\n---\n", documents);

    private static string Indent(string lines) =>
        string.Join("\n", lines.Split('\n').Select(line => "  " + line.TrimEnd('\r')));
}
