using System.Globalization;

namespace IronLb.Ipam.Kubernetes;

/// <summary>
/// How far into the API server's history a stored configuration saw, kept in its source label ("kubernetes@1234"), so
/// a replica whose watches lag behind does not store an older view over a newer one.
/// </summary>
internal static class ViewWatermark
{
    private const string Prefix = "kubernetes@";

    /// <summary>The source label of a view that has seen everything up to <paramref name="resourceVersion"/>.</summary>
    public static string Label(long resourceVersion) => Prefix + resourceVersion.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads the resourceVersion back from a label; false for other sources (a folder) or a label without one.</summary>
    public static bool TryRead(string source, out long resourceVersion)
    {
        ArgumentNullException.ThrowIfNull(source);
        resourceVersion = 0;
        return source.StartsWith(Prefix, StringComparison.Ordinal)
            && long.TryParse(source.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out resourceVersion);
    }
}
