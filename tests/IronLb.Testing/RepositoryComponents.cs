namespace IronLb.Testing;

/// <summary>The repository's components/ for a test's own Redis.</summary>
public static class RepositoryComponents
{
    /// <summary>A temporary copy of components/ pointed at <paramref name="redis"/>, with short redelivery times; the caller deletes it.</summary>
    public static string CopyFor(RedisServer redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var directory = Directory.CreateTempSubdirectory("ironlb-components-").FullName;
        foreach (var file in Directory.EnumerateFiles(RepositoryLayout.PathOf("components"), "*.yaml"))
        {
            var text = File.ReadAllText(file)
                .Replace("127.0.0.1:6379", redis.Host, StringComparison.Ordinal)
                .Replace("\"15s\"", "\"2s\"", StringComparison.Ordinal)
                .Replace("\"5s\"", "\"1s\"", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(directory, Path.GetFileName(file)), text);
        }

        return directory;
    }
}
