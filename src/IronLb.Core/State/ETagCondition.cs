using System.Globalization;

namespace IronLb.Core.State;

/// <summary>Dapr first-write concurrency over numeric versions, as one pure rule every store shares.</summary>
internal static class ETagCondition
{
    /// <summary>True when a write or delete carrying <paramref name="etag"/> may apply to a key at <paramref name="currentVersion"/> (null = absent).</summary>
    public static bool Holds(string? etag, long? currentVersion) => etag switch
    {
        null => true,
        "" => currentVersion is null,
        _ => currentVersion is long version && etag == Format(version),
    };

    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);
}
