using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using IronLb.Bgp.Transport;

namespace IronLb.Bgp.Tests.Interop;

/// <summary>
/// Creates sockets inside a named network namespace. A dedicated thread enters the namespace with setns(2) once and
/// creates every socket (and reads the namespace's interfaces); a socket keeps the namespace it was created in, so the rest of the speaker runs on ordinary
/// pool threads. This keeps the speaker in the test process, where the test can watch its state directly, instead of
/// a helper process started with `ip netns exec`.
/// </summary>
internal sealed class NetnsSocketFactory : IBgpSocketFactory, IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    public NetnsSocketFactory(string netns)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _thread = new Thread(() => Run(netns, entered)) { IsBackground = true, Name = "netns " + netns };
        _thread.Start();
        entered.Task.GetAwaiter().GetResult();
    }

    public Socket Create(AddressFamily family) => Create(family, SocketType.Stream, ProtocolType.Tcp);

    public Socket CreateDatagram(AddressFamily family) => Create(family, SocketType.Dgram, ProtocolType.Udp);

    public Socket CreateIpv4Packet() => Create(AddressFamily.Packet, SocketType.Dgram, LinkLayer.Ipv4Protocol);

    /// <summary>Read on the namespace's own thread, where the interfaces are the namespace's.</summary>
    public IPAddress? SiblingAddress(IPAddress local, AddressFamily family)
    {
        var result = new TaskCompletionSource<IPAddress?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() => result.SetResult(InterfaceAddresses.Sibling(local, family)));
        return result.Task.GetAwaiter().GetResult();
    }

    private Socket Create(AddressFamily family, SocketType type, ProtocolType protocol)
    {
        var result = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                result.SetResult(new Socket(family, type, protocol));
            }
            catch (SocketException ex)
            {
                result.SetException(ex);
            }
        });
        return result.Task.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _work.Dispose();
    }

    private void Run(string netns, TaskCompletionSource entered)
    {
        using (var handle = File.OpenHandle($"/var/run/netns/{netns}"))
        {
            if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
            {
                entered.SetException(new IOException($"setns({netns}) failed: errno {Marshal.GetLastPInvokeError()}"));
                return;
            }
        }

        entered.SetResult();
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code enabled for the whole test project
    private static extern int SetNs(int fd, int nstype);
#pragma warning restore SYSLIB1054
}
