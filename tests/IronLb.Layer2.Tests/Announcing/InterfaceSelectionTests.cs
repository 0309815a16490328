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
}
