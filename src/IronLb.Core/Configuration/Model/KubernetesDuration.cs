using System.Globalization;
using System.Text;

namespace IronLb.Core.Configuration;

/// <summary>Parses and formats durations the way Kubernetes (Go's time.ParseDuration) writes them: "90s", "1m30s", "250ms", "1.5h".</summary>
public static class KubernetesDuration
{
    private const decimal NanosecondsPerTick = 100m;

    /// <summary>Parses a Go duration; false for anything Go would reject.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text.IsEmpty)
        {
            return false;
        }

        var negative = text[0] == '-';
        if (text[0] is '-' or '+')
        {
            text = text[1..];
        }

        // Go accepts a bare "0" (no unit) and nothing else without a unit.
        if (text is "0")
        {
            return true;
        }

        if (text.IsEmpty)
        {
            return false;
        }

        decimal totalNanoseconds = 0;
        while (!text.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < text.Length && (char.IsAsciiDigit(text[numberLength]) || text[numberLength] == '.'))
            {
                numberLength++;
            }

            var number = text[..numberLength];
            if (number.IsEmpty || number is "." || number.Count('.') > 1
                || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            text = text[numberLength..];
            var unitLength = 0;
            while (unitLength < text.Length && !char.IsAsciiDigit(text[unitLength]) && text[unitLength] != '.')
            {
                unitLength++;
            }

            var scale = UnitInNanoseconds(text[..unitLength]);
            if (scale == 0)
            {
                return false;
            }

            text = text[unitLength..];
            try
            {
                totalNanoseconds += value * scale;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        var ticks = decimal.Truncate(totalNanoseconds / NanosecondsPerTick);
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    /// <summary>Formats like Go's Duration.String: "1h2m3.5s", "250ms", "0s".</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        if (duration < TimeSpan.Zero)
        {
            builder.Append('-');
            duration = duration.Duration();
        }

        if (duration < TimeSpan.FromSeconds(1))
        {
            var milliseconds = (decimal)duration.Ticks / TimeSpan.TicksPerMillisecond;
            return builder.Append(milliseconds.ToString("0.####", CultureInfo.InvariantCulture)).Append("ms").ToString();
        }

        var hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            builder.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || duration.Minutes > 0)
        {
            builder.Append(duration.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        var seconds = duration.Seconds + ((decimal)(duration.Ticks % TimeSpan.TicksPerSecond) / TimeSpan.TicksPerSecond);
        return builder.Append(seconds.ToString("0.#######", CultureInfo.InvariantCulture)).Append('s').ToString();
    }

    private static decimal UnitInNanoseconds(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1m,
        "us" or "\u00b5s" or "\u03bcs" => 1_000m,
        "ms" => 1_000_000m,
        "s" => 1_000_000_000m,
        "m" => 60_000_000_000m,
        "h" => 3_600_000_000_000m,
        _ => 0m,
    };
}
