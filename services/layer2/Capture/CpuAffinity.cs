using System.Runtime.InteropServices;

namespace IronLb.Layer2.Capture;

/// <summary>The CPUs this process may run on, and pinning the calling thread to one of them (sched_setaffinity(2)).</summary>
internal static partial class CpuAffinity
{
    // Room for 1,024 CPUs, glibc's cpu_set_t.
    private const int MaskBytes = 128;

    /// <summary>The CPU numbers the calling thread may run on, ascending; empty when they cannot be read (not Linux).</summary>
    public static IReadOnlyList<int> Allowed()
    {
        Span<byte> mask = stackalloc byte[MaskBytes];
        if (!OperatingSystem.IsLinux() || GetAffinity(0, MaskBytes, ref MemoryMarshal.GetReference(mask)) != 0)
        {
            return [];
        }

        var cpus = new List<int>();
        for (var cpu = 0; cpu < MaskBytes * 8; cpu++)
        {
            if ((mask[cpu / 8] & (1 << (cpu % 8))) != 0)
            {
                cpus.Add(cpu);
            }
        }

        return cpus;
    }

    /// <summary>Keeps the calling thread on <paramref name="cpu"/>; false when the kernel refuses.</summary>
    public static bool PinCurrentThread(int cpu)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cpu, MaskBytes * 8);
        Span<byte> mask = stackalloc byte[MaskBytes];
        mask[cpu / 8] = (byte)(1 << (cpu % 8));
        return SetAffinity(0, MaskBytes, ref MemoryMarshal.GetReference(mask)) == 0;
    }

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int GetAffinity(int pid, nuint size, ref byte mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SetAffinity(int pid, nuint size, ref byte mask);
}
