using System.Net;
using System.Net.Sockets;

namespace IronLb.Testing;

/// <summary>Free loopback ports for processes that must be told their port up front.</summary>
public static class LoopbackPorts
{
    // Asking the kernel for an ephemeral port and releasing it leaves a small window in which
    // another process could take it; on loopback with fresh ports per run that is acceptable.
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
