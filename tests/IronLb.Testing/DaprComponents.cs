
namespace IronLb.Testing;

/// <summary>The repository's components/ for a test's own Redis.</summary>
public static class DaprComponents
{
    /// <summary>A temporary copy of components/ pointed at <paramref name="redis"/>, with short redelivery times; the caller deletes it.</summary>
    public static string CopyFor(RedisServer redis) => RepositoryComponents.CopyFor(redis);
}
