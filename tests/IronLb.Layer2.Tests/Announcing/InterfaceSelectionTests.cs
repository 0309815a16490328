using System.Net;
using IronLb.Layer2.Announcing;
using IronLb.Layer2.Capture;
using static IronLb.Layer2.Tests.Announcing.TestLinks;

namespace IronLb.Layer2.Tests.Announcing;

public class InterfaceSelectionTests
{
    private static readonly LinkInterface Down = new("eth2", 4, MacAddress.Parse("02:00:00:00:02:11"), false, false, [IPNetwork.Parse("203.0.113.0/24")]);

    [Fact]
    public void Select_NamedInterfaces_OnlyThose()
    {
        var selected = InterfaceSelection.Select(Owned(Vip, 1, "eth1"), [Lo, Eth0, Eth1]);

        Assert.Equal(["eth1"], selected.Select(i => i.Name));
    }

    [Fact]
    public void Select_NamedInterfaceMissing_None()
    {
        Assert.Empty(InterfaceSelection.Select(Owned(Vip, 1, "bond0"), [Lo, Eth0, Eth1]));
    }

    [Fact]
    public void Select_NoNamesAddressOnSubnet_InterfacesOnThatSubnet()
    {
        var selected = InterfaceSelection.Select(IPAddress.Parse("198.51.100.7"), [Lo, Eth0, Eth1]);

        Assert.Equal(["eth1"], selected.Select(i => i.Name));
    }

    [Fact]
    public void Select_NoNamesAddressOnNoSubnet_AllUpNonLoopback()
    {
        var selected = InterfaceSelection.Select(Vip, [Lo, Eth0, Eth1, Down]);

        Assert.Equal(["eth0", "eth1"], selected.Select(i => i.Name));
    }

    [Fact]
    public void Select_OnlyDownInterfaceOnSubnet_FallsBackToUpOnes()
    {
        var selected = InterfaceSelection.Select(IPAddress.Parse("203.0.113.5"), [Lo, Eth0, Down]);

        Assert.Equal(["eth0"], selected.Select(i => i.Name));
    }

    [Fact]
    public void Select_NamedLoopback_NeverSelected()
    {
        Assert.Empty(InterfaceSelection.Select(Owned(Vip, 1, "lo"), [Lo, Eth0]));
    }

    [Fact]
    public void Select_IPv6OnSubnet_MatchesIPv6PrefixOnly()
    {
        var selected = InterfaceSelection.Select(IPAddress.Parse("2001:db8:1::20"), [Eth0, Eth1]);

        Assert.Equal(["eth0"], selected.Select(i => i.Name));
    }

    [Fact]
    public void Select_NoArpDummyHoldingTheAddress_NeverSelected()
    {
        // kube-proxy in IPVS mode puts every service address on the NOARP dummy kube-ipvs0.
        var ipvs = new LinkInterface("kube-ipvs0", 9, MacAddress.Parse("02:aa:00:00:00:01"), true, false, [IPNetwork.Parse("203.0.113.20/32")], NoArp: true);

        var selected = InterfaceSelection.Select(Vip, [Lo, Eth0, ipvs]);

        Assert.Equal(["eth0"], selected.Select(i => i.Name));
    }

    [Fact]
    public void Select_AddressOnlyAsHostPrefix_NotTakenForItsSubnet()
    {
        var withHostRoute = Eth1 with { Prefixes = [IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.20/32")] };

        var selected = InterfaceSelection.Select(Vip, [Eth0, withHostRoute]);

        Assert.Equal(["eth0", "eth1"], selected.Select(i => i.Name));
    }

    [Fact]
    public void Select_BridgePortAndItsBridge_OnlyTheBridge()
    {
        var port = Eth0 with { IsEnslaved = true };
        var bridge = new LinkInterface("br0", 7, MacAddress.Parse("02:00:00:00:b0:11"), true, false, [IPNetwork.Parse("192.0.2.0/24")]);

        var selected = InterfaceSelection.Select(IPAddress.Parse("192.0.2.50"), [Lo, port, bridge]);

        Assert.Equal(["br0"], selected.Select(i => i.Name));
    }
}
