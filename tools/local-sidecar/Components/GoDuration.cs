using System.Globalization;

namespace IronLb.LocalSidecar.Components;

/// <summary>Parses the duration strings Dapr's YAML uses: Go's time.ParseDuration format ("1m30s", "250ms").</summary>
internal static class GoDuration
{
    /// <summary>Parses a Go duration; with <paramref name="bareNumberIsMilliseconds"/> a plain integer is milliseconds,
    /// as pubsub.redis reads processingTimeout and redeliverInterval.</summary>
    public static TimeSpan Parse(string text, bool bareNumberIsMilliseconds = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        if (bareNumberIsMilliseconds && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (s == "0")
        {
            return TimeSpan.Zero;
        }

        var negative = s.StartsWith('-');
        if (negative || s.StartsWith('+'))
        {
            s = s[1..];
        }

        if (s.Length == 0)
        {
            throw new FormatException($"'{text}' is not a duration");
        }

        double totalMs = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"'{text}' is not a duration");
            }

            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            totalMs += value * (s[unitStart..i] switch
            {
                "ns" => 1e-6,
                "us" or "µs" or "μs" => 1e-3,
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => throw new FormatException($"'{text}' has no valid unit"),
            });
        }

        return TimeSpan.FromMilliseconds(negative ? -totalMs : totalMs);
    }
}
