using IronLb.Core.Configuration;

namespace IronLb.Ipam.Configuration;

/// <summary>A manifests folder, read file by file: a file is parsed again only when its size or write time changed.</summary>
/// <remarks>
/// With 10,000 Services in a folder, re-reading the whole folder for one new file costs seconds; listing the files and
/// checking their size and write time costs milliseconds. The result is the same as <see cref="ManifestLoader.LoadDirectory"/>
/// for the same files (the same order, the same error names), so validation sees no difference. Not thread-safe.
/// </remarks>
internal sealed class ManifestFolderCache
{
    private Dictionary<string, CachedFile> _files = new(StringComparer.Ordinal);

    /// <summary>How many files were parsed by the last <see cref="Load"/>.</summary>
    public int FilesParsed { get; private set; }

    /// <summary>Loads the folder, parsing only files that are new or changed since the last call.</summary>
    public ManifestLoadResult Load(string directory)
    {
        var root = Path.GetFullPath(directory);
        var next = new Dictionary<string, CachedFile>(StringComparer.Ordinal);
        var parts = new List<ManifestLoadResult>();
        var parsed = 0;
        foreach (var relative in ManifestLoader.ListFiles(root))
        {
            var path = Path.Combine(root, relative);
            var info = new FileInfo(path);
            var stamp = info.Exists ? (info.Length, info.LastWriteTimeUtc.Ticks) : (-1, 0);
            if (!_files.TryGetValue(relative, out var cached) || cached.Stamp != stamp)
            {
                cached = new CachedFile(stamp, ManifestLoader.LoadFile(path, relative));
                parsed++;
            }

            next[relative] = cached;
            parts.Add(cached.Result);
        }

        _files = next;
        FilesParsed = parsed;
        return ManifestLoader.Merge(parts);
    }

    /// <summary>Forgets every file, so the next load parses them all.</summary>
    public void Clear() => _files = new Dictionary<string, CachedFile>(StringComparer.Ordinal);

    private sealed record CachedFile((long Length, long WriteTicks) Stamp, ManifestLoadResult Result);
}
