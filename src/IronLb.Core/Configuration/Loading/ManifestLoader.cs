using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IronLb.Core.Configuration;

/// <summary>Reads MetalLB configuration and cluster objects from YAML or JSON manifests, unchanged from what kubectl would apply.</summary>
/// <remarks>
/// Kinds IronLB does not use (Deployments, ConfigMaps other than metallb-excludel2...) are skipped silently; malformed documents,
/// wrongly typed fields and unsupported versions of kinds it does use are errors. Loading never stops
/// at the first problem: every readable object is kept and every problem reported.
/// </remarks>
public static class ManifestLoader
{
    private const string ListKind = "List";

    // Deep enough for any sensible manifests tree, shallow enough that a symlink loop or runaway tree ends.
    private const int MaxDirectoryDepth = 32;

    private static readonly Dictionary<string, KindReader> Readers = new(StringComparer.Ordinal)
    {
        [IpAddressPool.KindName] = new([ApiVersions.MetalLbV1Beta1], true, MetalLbObjectReader.ReadIpAddressPool),
        [L2Advertisement.KindName] = new([ApiVersions.MetalLbV1Beta1], true, MetalLbObjectReader.ReadL2Advertisement),
        [BgpAdvertisement.KindName] = new([ApiVersions.MetalLbV1Beta1], true, MetalLbObjectReader.ReadBgpAdvertisement),
        [BgpPeer.KindName] = new([ApiVersions.MetalLbV1Beta1, ApiVersions.MetalLbV1Beta2], true, MetalLbObjectReader.ReadBgpPeer),
        [BfdProfile.KindName] = new([ApiVersions.MetalLbV1Beta1], true, MetalLbObjectReader.ReadBfdProfile),
        [Community.KindName] = new([ApiVersions.MetalLbV1Beta1], true, MetalLbObjectReader.ReadCommunity),
        [Service.KindName] = new([ApiVersions.CoreV1], true, ClusterObjectReader.ReadService),
        [Node.KindName] = new([ApiVersions.CoreV1], false, ClusterObjectReader.ReadNode),
        [EndpointSlice.KindName] = new([ApiVersions.DiscoveryV1], true, ClusterObjectReader.ReadEndpointSlice),
        [Secret.KindName] = new([ApiVersions.CoreV1], true, ClusterObjectReader.ReadSecret),
        [ClusterNamespace.KindName] = new([ApiVersions.CoreV1], false, ClusterObjectReader.ReadNamespace),
        [ExcludeL2.KindName] = new([ApiVersions.CoreV1], true, ClusterObjectReader.ReadExcludeL2, name => name == ExcludeL2.ConfigMapName),
    };

    /// <summary>Loads every *.yaml, *.yml and *.json file under the directory, recursively, in ordinal order of their relative paths; hidden files and folders are skipped.</summary>
    /// <remarks>Errors name files relative to <paramref name="path"/>, with '/' separators.</remarks>
    public static ManifestLoadResult LoadDirectory(string path)
    {
        var root = Path.GetFullPath(path);
        var collector = new ConfigurationCollector();
        foreach (var relative in ListFiles(root))
        {
            ReadFileInto(Path.Combine(root, relative), relative, collector);
        }

        return collector.Build();
    }

    /// <summary>The manifest files <see cref="LoadDirectory"/> reads, relative to <paramref name="path"/> with '/' separators, in the order it reads them.</summary>
    public static IReadOnlyList<string> ListFiles(string path)
    {
        var root = Path.GetFullPath(path);
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            MaxRecursionDepth = MaxDirectoryDepth,
            IgnoreInaccessible = true,
            // On Unix a leading dot makes a file or folder Hidden; reparse points are skipped so links cannot loop.
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
        };
        return Directory.EnumerateFiles(root, "*", options)
            .Select(file => Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(relative => IsManifestFile(relative) && !relative.Split('/').Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Loads one file; errors name it <paramref name="name"/> (as <see cref="LoadDirectory"/> names it: relative to the folder).</summary>
    public static ManifestLoadResult LoadFile(string path, string name)
    {
        var collector = new ConfigurationCollector();
        ReadFileInto(path, name, collector);
        return collector.Build();
    }

    /// <summary>One result from several files' results, in the order given: what <see cref="LoadDirectory"/> gives for those files.</summary>
    public static ManifestLoadResult Merge(IReadOnlyList<ManifestLoadResult> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);

        // Each kind's list keeps file order, as when the files are read into one collector one after another.
        var collector = new ConfigurationCollector();
        foreach (var part in parts)
        {
            foreach (var manifestObject in part.Configuration.AllObjects)
            {
                collector.Add(manifestObject);
            }

            collector.Errors.AddRange(part.Errors);
            collector.Warnings.AddRange(part.Warnings);
        }

        return collector.Build();
    }

    /// <summary>Loads one file; errors name it as given.</summary>
    public static ManifestLoadResult LoadFile(string path) => LoadFile(path, path);

    /// <summary>Parses manifest text; the file name picks the format (".json" is JSON, anything else YAML) and labels errors.</summary>
    public static ManifestLoadResult Parse(string text, string fileName)
    {
        var collector = new ConfigurationCollector();
        ParseInto(text, fileName, collector);
        return collector.Build();
    }

    private static bool IsManifestFile(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private static void ReadFileInto(string path, string fileName, ConfigurationCollector collector)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            collector.Errors.Add(new ConfigurationError(fileName, ConfigurationError.DocumentKind, "#1", $"cannot read file: {exception.Message}"));
            return;
        }

        ParseInto(text, fileName, collector);
    }

    private static void ParseInto(string text, string fileName, ConfigurationCollector collector)
    {
        IReadOnlyList<ParsedDocument> documents;
        if (fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                documents = [new ParsedDocument(1, 1, JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }))];
            }
            catch (JsonException exception)
            {
                var line = ((exception.LineNumber ?? 0) + 1).ToString(CultureInfo.InvariantCulture);
                var column = ((exception.BytePositionInLine ?? 0) + 1).ToString(CultureInfo.InvariantCulture);
                collector.Errors.Add(new ConfigurationError(fileName, ConfigurationError.DocumentKind, "#1", $"malformed JSON at line {line}, column {column}: {JsonProblem(exception.Message)}"));
                return;
            }
        }
        else
        {
            documents = YamlTreeReader.Read(text, (index, _, message) =>
                collector.Errors.Add(new ConfigurationError(fileName, ConfigurationError.DocumentKind, DocumentName(index), message)));
        }

        foreach (var document in documents)
        {
            ReadDocument(document.Root, fileName, DocumentName(document.Index), collector, allowList: true);
        }
    }

    // System.Text.Json appends advice for programmers ("Change the reader options") and the position; the position is already given.
    private static string JsonProblem(string message)
    {
        var positionAt = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var problem = positionAt >= 0 ? message[..positionAt] : message;
        return problem.Replace(" Change the reader options.", "", StringComparison.Ordinal).Trim();
    }

    private static string DocumentName(int index) => "#" + index.ToString(CultureInfo.InvariantCulture);

    private static void ReadDocument(JsonNode? node, string fileName, string documentName, ConfigurationCollector collector, bool allowList)
    {
        if (node is null)
        {
            return; // an empty document, e.g. after a trailing "---"
        }

        var header = new FieldReader(fileName, ConfigurationError.DocumentKind, documentName, collector.Errors);
        if (node is not JsonObject root)
        {
            header.Report("", "expected a Kubernetes object (a mapping with apiVersion and kind)");
            return;
        }

        var apiVersion = header.String(root, "", "apiVersion");
        var kind = header.String(root, "", "kind");
        if (header.ErrorCount > 0)
        {
            return;
        }

        if (apiVersion is null || kind is null)
        {
            header.Report("", apiVersion is null ? "apiVersion is missing" : "kind is missing");
            return;
        }

        if (kind == ListKind && allowList)
        {
            foreach (var (item, path) in header.ObjectList(root, "", "items"))
            {
                ReadDocument(item, fileName, $"{documentName}.{path}", collector, allowList: false);
            }

            return;
        }

        if (!Readers.TryGetValue(kind, out var reader))
        {
            // Not a kind IronLB reads: a Deployment, a ConfigMap... A metallb.io one is MetalLB configuration that
            // will not be acted on, which a user switching over must hear about.
            if (apiVersion.StartsWith("metallb.io/", StringComparison.Ordinal))
            {
                var skipped = header.String(header.Object(root, "", "metadata"), "metadata", "name");
                collector.Warnings.Add(new ConfigurationError(fileName, kind, string.IsNullOrEmpty(skipped) ? documentName : skipped, $"{apiVersion} {kind} is not a kind IronLB reads; it is ignored"));
            }

            return;
        }

        var metadataNode = header.Object(root, "", "metadata");
        var name = header.String(metadataNode, "metadata", "name");
        if (reader.Wanted is { } wanted && !wanted(name ?? ""))
        {
            return; // a ConfigMap other than metallb-excludel2
        }

        var fields = new FieldReader(fileName, kind, string.IsNullOrEmpty(name) ? documentName : name, collector.Errors);
        if (!reader.ApiVersions.Contains(apiVersion, StringComparer.Ordinal))
        {
            fields.Report("apiVersion", $"\"{apiVersion}\" is not supported for {kind} (expected {string.Join(" or ", reader.ApiVersions)})");
            return;
        }

        if (string.IsNullOrEmpty(name))
        {
            fields.Report("metadata.name", "is required");
            return;
        }

        var metadata = new ObjectMeta
        {
            Name = name,
            Namespace = reader.Namespaced ? fields.String(metadataNode, "metadata", "namespace") ?? ObjectMeta.DefaultNamespace : "",
            Labels = fields.Map(metadataNode, "metadata", "labels"),
            Annotations = fields.Map(metadataNode, "metadata", "annotations"),
        };
        var manifestObject = reader.Read(new ManifestHeader(fileName, apiVersion, kind, metadata), root, fields);

        // An object with a wrongly typed field is left out: half-read, it could pass validation it should fail.
        if (fields.ErrorCount == 0)
        {
            collector.Add(manifestObject);
        }

        // A metallb.io field IronLB does not know is named, so that nobody believes it is honoured.
        if (apiVersion.StartsWith("metallb.io/", StringComparison.Ordinal))
        {
            foreach (var unread in fields.Unread(root["spec"], "spec"))
            {
                collector.Warnings.Add(new ConfigurationError(fileName, kind, name, $"{unread}: not a field IronLB reads for {apiVersion} {kind}; it is ignored"));
            }
        }
    }

    /// <summary>How one kind is read.</summary>
    /// <param name="ApiVersions">The versions accepted.</param>
    /// <param name="Namespaced">Whether its objects live in a namespace.</param>
    /// <param name="Read">Maps a manifest onto the model.</param>
    /// <param name="Wanted">For kinds of which only some objects matter (ConfigMap), which names to read.</param>
    private sealed record KindReader(string[] ApiVersions, bool Namespaced, Func<ManifestHeader, JsonObject, FieldReader, ManifestObject> Read, Func<string, bool>? Wanted = null);

    private sealed class ConfigurationCollector
    {
        private readonly List<ManifestObject> objects = [];

        public List<ConfigurationError> Errors { get; } = [];

        public List<ConfigurationError> Warnings { get; } = [];

        public void Add(ManifestObject manifestObject) => objects.Add(manifestObject);

        public ManifestLoadResult Build() => new(
            new ClusterConfiguration
            {
                IpAddressPools = ValueList.From(objects.OfType<IpAddressPool>()),
                L2Advertisements = ValueList.From(objects.OfType<L2Advertisement>()),
                BgpAdvertisements = ValueList.From(objects.OfType<BgpAdvertisement>()),
                BgpPeers = ValueList.From(objects.OfType<BgpPeer>()),
                BfdProfiles = ValueList.From(objects.OfType<BfdProfile>()),
                Communities = ValueList.From(objects.OfType<Community>()),
                Services = ValueList.From(objects.OfType<Service>()),
                Nodes = ValueList.From(objects.OfType<Node>()),
                EndpointSlices = ValueList.From(objects.OfType<EndpointSlice>()),
                Secrets = ValueList.From(objects.OfType<Secret>()),
                Namespaces = ValueList.From(objects.OfType<ClusterNamespace>()),
                ExcludeL2 = ValueList.From(objects.OfType<ExcludeL2>()),
            },
            Errors.ToArray())
        {
            Warnings = Warnings.ToArray(),
        };
    }
}
