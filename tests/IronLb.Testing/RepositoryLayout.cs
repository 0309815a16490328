namespace IronLb.Testing;

/// <summary>Where the repository and its build outputs are, seen from a test assembly.</summary>
public static class RepositoryLayout
{
    private static readonly DirectoryInfo TestDirectory = new(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>The folder holding IronLb.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of the running tests (Debug or Release): bin/&lt;Configuration&gt;/net10.0.</summary>
    public static string Configuration { get; } = TestDirectory.Parent!.Name;

    /// <summary>A file under the repository root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>
    /// The built assembly of a project the test project references: it is built in the same configuration as the tests.
    /// </summary>
    public static string BuiltAssembly(string projectDirectory, string assemblyName)
    {
        var path = Path.Combine(Root, projectDirectory, "bin", Configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{assemblyName} is not built (expected at {path}).", path);
    }

    private static string FindRoot()
    {
        for (var directory = TestDirectory; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "IronLb.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No IronLb.slnx above {TestDirectory.FullName}.");
    }
}
