using System.Runtime.InteropServices;

namespace IronLb.Layer2.Capture;

/// <summary>
/// AF_PACKET fanout (packet(7), PACKET_FANOUT) in CPU mode: the kernel hands each frame to the socket of the group
/// whose position equals the number of the CPU that received it, modulo the group's size.
/// </summary>
internal static partial class PacketFanout
{
    private const int SolPacket = 263;
    private const int PacketFanoutOption = 18;
    private const int FanoutCpu = 2;
    private const int FlagUniqueId = 0x2000;

    /// <summary>Makes <paramref name="fd"/> the first member of a new CPU-mode group with an id the kernel picks; returns the id.</summary>
    public static ushort Create(int fd)
    {
        Set(fd, FanoutCpu << 16 | FlagUniqueId << 16);
        var value = 0;
        var length = (uint)sizeof(int);
        if (GetSockOpt(fd, SolPacket, PacketFanoutOption, ref value, ref length) != 0)
        {
            throw new InvalidOperationException($"reading the packet fanout group failed (errno {Marshal.GetLastPInvokeError()})");
        }

        return (ushort)(value & 0xFFFF);
    }

    /// <summary>Adds <paramref name="fd"/> to the group <paramref name="id"/>, as its next position.</summary>
    public static void Join(int fd, ushort id) => Set(fd, id | FanoutCpu << 16);

    private static void Set(int fd, int value)
    {
        if (SetSockOpt(fd, SolPacket, PacketFanoutOption, ref value, sizeof(int)) != 0)
        {
            throw new InvalidOperationException($"joining a packet fanout group failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, ref int value, uint length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int GetSockOpt(int fd, int level, int name, ref int value, ref uint length);
}
