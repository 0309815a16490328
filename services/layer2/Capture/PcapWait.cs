using System.Runtime.InteropServices;
using SharpPcap.LibPcap;

namespace IronLb.Layer2.Capture;

/// <summary>
/// Sleeps until a libpcap handle has a frame to read, or a timeout passes: poll(2) on the handle's selectable file
/// descriptor. SharpPcap reads and sends; it does not expose the descriptor, so this asks libpcap for it directly.
/// </summary>
internal static partial class PcapWait
{
    private const short PollIn = 0x0001;
    private const int Interrupted = 4;

    private static readonly Lazy<GetSelectableFd> SelectableFd = new(LoadGetSelectableFd);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int GetSelectableFd(nint pcap);

    /// <summary>The descriptor poll(2) can wait on for <paramref name="handle"/>; throws when libpcap has none.</summary>
    public static int DescriptorOf(PcapHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var fd = SelectableFd.Value(handle.DangerousGetHandle());
            return fd >= 0 ? fd : throw new InvalidOperationException("libpcap has no selectable descriptor for this capture");
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Waits until <paramref name="fd"/> is readable or <paramref name="timeoutMilliseconds"/> pass; true when readable.</summary>
    public static bool Readable(int fd, int timeoutMilliseconds)
    {
        var entry = new PollFd { Fd = fd, Events = PollIn };
        var ready = Poll(ref entry, 1, timeoutMilliseconds);
        if (ready < 0 && Marshal.GetLastPInvokeError() != Interrupted)
        {
            throw new InvalidOperationException($"poll on a capture descriptor failed (errno {Marshal.GetLastPInvokeError()})");
        }

        return ready > 0;
    }

    private static GetSelectableFd LoadGetSelectableFd()
    {
        // Debian and most distributions ship the runtime library as libpcap.so.0.8; the unversioned name needs -dev.
        foreach (var name in (string[])["libpcap.so.0.8", "libpcap.so.1", "libpcap.so"])
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "pcap_get_selectable_fd", out var export))
            {
                return Marshal.GetDelegateForFunctionPointer<GetSelectableFd>(export);
            }
        }

        throw new DllNotFoundException("libpcap (pcap_get_selectable_fd) not found; install libpcap0.8");
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
