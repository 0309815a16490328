using System.Net;
using IronLb.Layer2.Announcing;
using IronLb.Layer2.Arp;
using IronLb.Layer2.Capture;
using IronLb.Layer2.Ndp;

namespace IronLb.Layer2.Tests.Announcing;

/// <summary>Interfaces and frames shared by the announcing tests.</summary>
internal static class TestLinks
{
    public static readonly MacAddress PeerMac = MacAddress.Parse("02:00:00:00:00:64");
    public static readonly MacAddress Eth0Mac = MacAddress.Parse("02:00:00:00:00:11");
    public static readonly MacAddress Eth1Mac = MacAddress.Parse("02:00:00:00:01:11");
    public static readonly IPAddress PeerIp = IPAddress.Parse("192.0.2.100");
    public static readonly IPAddress PeerIp6 = IPAddress.Parse("2001:db8:1::100");
    public static readonly IPAddress Vip = IPAddress.Parse("203.0.113.20");
    public static readonly IPAddress Vip6 = IPAddress.Parse("2001:db8:1:20::20");

    public static LinkInterface Eth0 { get; } = new("eth0", 2, Eth0Mac, true, false,
        [IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("2001:db8:1::/64")]);

    public static LinkInterface Eth1 { get; } = new("eth1", 3, Eth1Mac, true, false, [IPNetwork.Parse("198.51.100.0/24")]);

    public static LinkInterface Lo { get; } = new("lo", 1, MacAddress.Zero, true, true, [IPNetwork.Parse("127.0.0.0/8")]);

    public static OwnedAddress Owned(IPAddress address, long epoch = 1, params string[] interfaces) => new(address, interfaces, epoch);

    public static byte[] ArpRequest(IPAddress target, MacAddress? from = null, IPAddress? sender = null)
    {
        var mac = from ?? PeerMac;
        var frame = new byte[ArpPacket.FrameLength];
        new ArpPacket(ArpOperation.Request, mac, sender ?? PeerIp, MacAddress.Zero, target).WriteFrame(MacAddress.Broadcast, mac, frame);
        return frame;
    }

    public static byte[] Solicitation(IPAddress target, MacAddress? from = null, IPAddress? source = null)
    {
        var mac = from ?? PeerMac;
        var message = NdpMessage.Solicitation(source ?? PeerIp6, target, mac);
        var frame = new byte[NdpMessage.MaxFrameLength];
        var length = message.WriteFrame(SolicitedNodeAddress.MulticastMac(message.Destination), mac, frame);
        return frame[..length];
    }
}
