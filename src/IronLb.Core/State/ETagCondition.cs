using System.Globalization;

namespace IronLb.Core.State;

/// <summary>state.redis's ETag rules over numeric versions, as one pure rule every store shares.</summary>
/// <remarks>
/// components-contrib state/redis/redis.go: a save parses the ETag as an integer and its script writes when the key is
/// absent or the versions are equal; a delete compares the ETag as text and deletes when the key is absent or they are equal.
/// No ETag (null or "") applies unconditionally, as no daprd concurrency mode adds a check to an ETag-less request
/// unless a first-write marker is on the key, which <see cref="IStateStore"/> implementations never set.
/// </remarks>
internal static class ETagCondition
{
    /// <summary>True when a write carrying <paramref name="etag"/> may apply to a key at <paramref name="currentVersion"/> (null = absent).</summary>
    /// <exception cref="ArgumentException">The ETag is not an integer.</exception>
    public static bool HoldsForWrite(string? etag, long? currentVersion)
    {
        if (string.IsNullOrEmpty(etag))
        {
            return true;
        }

        if (!long.TryParse(etag, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var expected))
        {
            throw new ArgumentException($"invalid etag value: {etag}", nameof(etag));
        }

        return currentVersion is not long version || version == expected;
    }

    /// <summary>True when a delete carrying <paramref name="etag"/> may apply to a key at <paramref name="currentVersion"/> (null = absent).</summary>
    public static bool HoldsForDelete(string? etag, long? currentVersion) =>
        string.IsNullOrEmpty(etag) || currentVersion is not long version || etag == Format(version);

    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);
}
