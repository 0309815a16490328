using System.Net;
using IronLb.Bgp.Bfd;

namespace IronLb.Bgp.Tests.Bfd;

public sealed class BfdEndpointTests
{
    private static readonly IPAddress Peer = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Local = IPAddress.Parse("198.51.100.10");
    private static readonly BfdSessionKey SingleHop = new(Peer, null, Multihop: false);
    private static readonly BfdSessionKey Multihop = new(Peer, Local, Multihop: true);

    [Theory]
    [InlineData(255, true)]
    [InlineData(254, false)]
    [InlineData(64, false)]
    public void Accepts_SingleHop_OnlyTtl255(int ttl, bool accepted) =>
        Assert.Equal(accepted, BfdEndpoint.Accepts(SingleHop, 254, arrivedOnMultihopPort: false, Peer, Local, ttl));

    [Theory]
    [InlineData(255, 254, true)]
    [InlineData(254, 254, true)]
    [InlineData(253, 254, false)]
    [InlineData(250, 250, true)]
    [InlineData(249, 250, false)]
    public void Accepts_Multihop_TtlAtLeastTheProfilesMinimum(int ttl, byte minimumTtl, bool accepted) =>
        Assert.Equal(accepted, BfdEndpoint.Accepts(Multihop, minimumTtl, arrivedOnMultihopPort: true, Peer, Local, ttl));

    [Fact]
    public void Accepts_MultihopToAnotherLocalAddress_Refused() =>
        Assert.False(BfdEndpoint.Accepts(Multihop, 254, arrivedOnMultihopPort: true, Peer, IPAddress.Parse("198.51.100.11"), 255));

    [Fact]
    public void Accepts_MultihopWithoutLocalAddress_AnyLocalAddress() =>
        Assert.True(BfdEndpoint.Accepts(Multihop with { Local = null }, 254, arrivedOnMultihopPort: true, Peer, IPAddress.Parse("198.51.100.11"), 255));

    [Fact]
    public void Accepts_WrongPortForTheSessionKind_Refused()
    {
        Assert.False(BfdEndpoint.Accepts(SingleHop, 254, arrivedOnMultihopPort: true, Peer, Local, 255));
        Assert.False(BfdEndpoint.Accepts(Multihop, 254, arrivedOnMultihopPort: false, Peer, Local, 255));
    }

    [Fact]
    public void Accepts_FromAnotherAddress_Refused() =>
        Assert.False(BfdEndpoint.Accepts(SingleHop, 254, arrivedOnMultihopPort: false, IPAddress.Parse("192.0.2.99"), Local, 255));
}
