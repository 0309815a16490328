using IronLb.Layer2.Capture;
using IronLb.Testing;

namespace IronLb.Layer2.Tests.Lab;

/// <summary>A fact that needs root, CAP_NET_RAW and the lab tools; skipped with the reason when any is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LabFactAttribute : FactAttribute
{
    private static readonly string[] Tools = ["ip", "arping", "ndisc6", "ping", "setpriv"];
    private static readonly string? MissingReason = FindMissing();

    public LabFactAttribute()
    {
        if (MissingReason is not null)
        {
            Skip = MissingReason;
        }
    }

    private static string? FindMissing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespace tests need Linux";
        }

        if (!Environment.IsPrivilegedProcess || NetRawCapability.IsEffective() != true)
        {
            return "network namespace tests need root with CAP_NET_RAW (CI runs them as root)";
        }

        var missing = Tools.Where(t => !Shell.IsOnPath(t)).ToList();
        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libpcap.so") && !File.Exists("/usr/lib/aarch64-linux-gnu/libpcap.so") && !File.Exists("/usr/lib/libpcap.so"))
        {
            missing.Add("libpcap.so (libpcap-dev)");
        }

        return missing.Count == 0 ? null
            : $"missing {string.Join(", ", missing)}: apt-get install -y --no-install-recommends arping ndisc6 iputils-ping libpcap-dev";
    }
}
