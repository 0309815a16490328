using IronLb.Testing;

namespace IronLb.EndToEnd.Tests;

/// <summary>A fact that builds network namespaces: needs Linux, root and the lab tools; skipped with the reason otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NamespaceLabFactAttribute : FactAttribute
{
    private static readonly string[] Tools = ["ip", "ping", "arping", "ndisc6", "redis-server"];

    public NamespaceLabFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            Skip = "network namespace tests need Linux and root (CI runs them as root)";
        }
        else if (Tools.Where(t => !Shell.IsOnPath(t)).ToList() is { Count: > 0 } missing)
        {
            Skip = $"missing {string.Join(", ", missing)}: scripts/install-deps installs them";
        }
    }
}
