using System.Globalization;

namespace IronLb.Layer2.Capture;

/// <summary>Reads whether this process holds CAP_NET_RAW, the one capability raw capture and send need.</summary>
internal static class NetRawCapability
{
    private const int CapNetRaw = 13;

    /// <summary>True when the effective capability set includes CAP_NET_RAW; null when it cannot be told (not Linux).</summary>
    public static bool? IsEffective(string procStatusPath = "/proc/self/status")
    {
        if (!File.Exists(procStatusPath))
        {
            return null;
        }

        foreach (var line in File.ReadLines(procStatusPath))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
            {
                return FromCapEff(line["CapEff:".Length..].Trim());
            }
        }

        return null;
    }

    /// <summary>Interprets the hexadecimal CapEff mask from /proc/PID/status.</summary>
    public static bool FromCapEff(string hexMask) =>
        (ulong.Parse(hexMask, NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << CapNetRaw)) != 0;
}
