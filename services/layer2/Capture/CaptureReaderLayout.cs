namespace IronLb.Layer2.Capture;

/// <summary>
/// Where an interface's capture readers run. In a CPU-mode fanout group the kernel hands a frame to the member at
/// position (receiving CPU modulo group size), so reader p is kept on an allowed CPU that maps to p: the frame is then
/// read on the CPU whose softirq queued it, and waking the reader needs no inter-processor interrupt.
/// </summary>
internal static class CaptureReaderLayout
{
    /// <summary>More readers than this per interface cost threads and ring memory for no gain: the frames ARP and NDP
    /// requests arrive in are not IP, so a multi-queue NIC steers them all to one queue and one CPU.</summary>
    public const int MaxReaders = 16;

    /// <summary>One entry per reader: the CPU it is kept on, or null where no allowed CPU maps to its position (frames
    /// steered there by an interrupt on a CPU this process may not use). Empty means a single reader, placed by the
    /// scheduler: fanout gains nothing with one CPU.</summary>
    public static IReadOnlyList<int?> For(IReadOnlyCollection<int> allowedCpus)
    {
        ArgumentNullException.ThrowIfNull(allowedCpus);
        if (allowedCpus.Count <= 1)
        {
            return [];
        }

        var count = Math.Min(allowedCpus.Max() + 1, MaxReaders);
        return Enumerable.Range(0, count)
            .Select(position => allowedCpus.Where(cpu => cpu % count == position).Order().Select(cpu => (int?)cpu).FirstOrDefault())
            .ToList();
    }
}
