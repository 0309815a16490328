using System.Net;
using System.Net.Sockets;
using IronLb.Bgp.Transport;

namespace IronLb.Bgp.Tests.Transport;

public sealed class DatagramReceiverTests
{
    private static async Task<ReceivedDatagram> SendAndReceiveAsync(Socket receiver, IPAddress to, int ttl)
    {
        using var sender = new Socket(to.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        LinuxSocketOptions.SetTtl(sender, ttl);
        sender.Bind(new IPEndPoint(to, 0));
        var buffer = new byte[64];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var receiving = DatagramReceiver.ReceiveAsync(receiver, buffer, timeout.Token);
        await sender.SendToAsync(new byte[] { 1, 2, 3 }, new IPEndPoint(to, ((IPEndPoint)receiver.LocalEndPoint!).Port));
        return await receiving;
    }

    [Theory]
    [InlineData("127.0.0.1", 7)]
    [InlineData("127.0.0.1", 255)]
    [InlineData("::1", 9)]
    public async Task ReceiveAsync_DualModeSocket_ReportsTtlAndBothAddresses(string address, int ttl)
    {
        using var receiver = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
        DatagramReceiver.EnableAncillaryData(receiver);
        receiver.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        var ip = IPAddress.Parse(address);

        var received = await SendAndReceiveAsync(receiver, ip, ttl);

        Assert.Equal((3, ip, ip, ttl), (received.Length, received.Remote, received.Local, received.Ttl));
    }
}
