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
    public void Select_NoNames_EveryUpInterfaceWhateverItsSubnet()
    {
        // MetalLB answers on every interface, not only the one whose subnet holds the address.
        var selected = InterfaceSelection.Select(IPAddress.Parse("198.51.100.7"), [Lo, Eth0, Eth1, Down]);

        Assert.Equal(["eth0", "eth1"], selected.Select(i => i.Name));
    }

    [Theory]
    [InlineData("veth1a2b3c")]
    [InlineData("cali0123456789")]
    [InlineData("docker0")]
    [InlineData("cni0")]
    [InlineData("flannel.1")]
    [InlineData("kube-ipvs0")]
    [InlineData("nodelocaldns")]
    [InlineData("tunl0")]
    public void Select_InterfaceOnMetalLbsDefaultExclusionList_Skipped(string name)
    {
        var container = Eth1 with { Name = name, Index = 8 };

        Assert.Equal(["eth0"], InterfaceSelection.Select(Vip, [Lo, Eth0, container]).Select(i => i.Name));
        Assert.Empty(InterfaceSelection.Select(Owned(Vip, 1, name), [Lo, Eth0, container]));
    }

    [Fact]
    public void Select_ConfiguredExclusionList_ReplacesTheDefaults()
    {
        var exclusion = new InterfaceExclusion(["^eth1$"]);
        var veth = Eth1 with { Name = "veth9", Index = 9 };

        var selected = InterfaceSelection.Select(Vip, [Lo, Eth0, Eth1, veth], exclusion);

        Assert.Equal(["eth0", "veth9"], selected.Select(i => i.Name));
    }

    [Fact]
    public void Select_NamedLoopback_NeverSelected()
    {
        Assert.Empty(InterfaceSelection.Select(Owned(Vip, 1, "lo"), [Lo, Eth0]));
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
    public void Select_BridgePortAndItsBridge_OnlyTheBridge()
    {
        var port = Eth0 with { IsEnslaved = true };
        var bridge = new LinkInterface("br0", 7, MacAddress.Parse("02:00:00:00:b0:11"), true, false, [IPNetwork.Parse("192.0.2.0/24")]);

        var selected = InterfaceSelection.Select(IPAddress.Parse("192.0.2.50"), [Lo, port, bridge]);

        Assert.Equal(["br0"], selected.Select(i => i.Name));
    }
}
