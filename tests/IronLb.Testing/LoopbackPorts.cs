using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace IronLb.Testing;

/// <summary>Free loopback ports for processes that must be told their port up front.</summary>
/// <remarks>
/// The port is found free and released, and the process binds it later. A port from the kernel's ephemeral range
/// (what binding port 0 gives) can be taken in between as the source port of any outgoing connection, which a CI run
/// saw: Kestrel then fails with "address already in use". So ports come from below that range, where the kernel never
/// picks source ports, at random, and each at most once per test process; only another test process drawing the same
/// port in the same instant can still collide.
/// </remarks>
public static class LoopbackPorts
{
    private const int Lowest = 10000;
    private const int Attempts = 200;
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        var below = EphemeralRangeStart();
        for (var attempt = 0; attempt < Attempts && below > Lowest; attempt++)
        {
            var port = Random.Shared.Next(Lowest, below);
            lock (Gate)
            {
                if (HandedOut.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }

        // No room below the ephemeral range (an unusual ip_local_port_range): the kernel's choice.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range (net.ipv4.ip_local_port_range), 32768 when unreadable.</summary>
    private static int EphemeralRangeStart()
    {
        const string path = "/proc/sys/net/ipv4/ip_local_port_range";
        var first = File.Exists(path) ? File.ReadAllText(path).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() : null;
        return int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var start) ? start : 32768;
    }
}
