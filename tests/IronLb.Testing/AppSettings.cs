namespace IronLb.Testing;

/// <summary>Environment settings for the apps a lab starts.</summary>
internal static class AppSettings
{
    /// <summary>A copy of <paramref name="settings"/> with <paramref name="more"/> added or replaced.</summary>
    public static Dictionary<string, string> With(IReadOnlyDictionary<string, string> settings, params (string Key, string Value)[] more)
    {
        var all = new Dictionary<string, string>(settings, StringComparer.Ordinal);
        foreach (var (key, value) in more)
        {
            all[key] = value;
        }

        return all;
    }
}
