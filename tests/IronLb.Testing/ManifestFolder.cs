namespace IronLb.Testing;

/// <summary>A temporary folder of manifests, a copy of examples/ unless asked to start empty, removed on dispose.</summary>
public sealed class ManifestFolder : IDisposable
{
    public ManifestFolder(bool copyExamples = true)
    {
        Path = Directory.CreateTempSubdirectory("ironlb-manifests-").FullName;
        foreach (var file in copyExamples ? Directory.EnumerateFiles(RepositoryLayout.PathOf("examples")) : [])
        {
            File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
        }
    }

    public string Path { get; }

    /// <summary>Adds a manifest file; the running configuration source picks it up.</summary>
    public void Write(string fileName, string content) => File.WriteAllText(System.IO.Path.Combine(Path, fileName), content);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
