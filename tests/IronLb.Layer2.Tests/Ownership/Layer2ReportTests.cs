using IronLb.Core.Contracts;
using IronLb.Core.State;
using IronLb.Layer2.Ownership;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IronLb.Layer2.Tests.Ownership;

public sealed class Layer2ReportTests
{
    [Fact]
    public void Describe_OwnedAddresses_OneEntryPerServiceWithNamedInterfaces()
    {
        IReadOnlyList<AddressOwner> owned =
        [
            new("203.0.113.10", "node-a", 2, ["eth1", "eth0"], ["shop/web", "shop/web-udp"]),
            new("2001:db8::10", "node-a", 2, [], ["shop/web"]),
        ];

        var report = Layer2Report.Describe(owned, new HashSet<string> { "eth0", "eth1" }, "node-a");

        Assert.Collection(
            report,
            web =>
            {
                Assert.Equal(("shop", "web"), (web.Namespace, web.Name));
                Assert.Equal(["2001:db8::10", "203.0.113.10"], web.Addresses);
                Assert.Equal(["eth0", "eth1"], web.Interfaces);
                Assert.Null(web.Failure);
            },
            udp => Assert.Equal(["203.0.113.10"], udp.Addresses));
    }

    [Fact]
    public void Describe_NamedInterfacesAbsentFromTheNode_MetalLbsAnnounceFailedMessage()
    {
        var owned = new AddressOwner("203.0.113.10", "node-a", 2, ["bond7"], ["shop/web"]);

        var entry = Assert.Single(Layer2Report.Describe([owned], new HashSet<string> { "eth0" }, "node-a"));

        Assert.Equal("the interfaces specified by LB IP \"203.0.113.10\" doesn't exist in assigned node \"node-a\" with protocol \"layer2\"", entry.Failure);
    }

    [Fact]
    public async Task ReportOnceAsync_OwnershipChanges_EachChangeStoredForIpamOnce()
    {
        var directory = Directory.CreateTempSubdirectory("ironlb-l2report-").FullName;
        try
        {
            using var store = FileStateStore.Open(directory);
            var status = new Layer2Status();
            var node = Options.Create(new NodeOptions { Name = "node-a", PodName = "ironlb-layer2-x", PodUid = "uid-1" });
            var reporter = new NodeReporter<Layer2Report>(new Layer2Report(status, node), store, node, TimeProvider.System, NullLogger<NodeReporter<Layer2Report>>.Instance);

            status.Update([new AddressOwner("203.0.113.10", "node-a", 2, [], ["shop/web"])], ownersVersion: 7);
            Assert.True(await reporter.ReportOnceAsync(CancellationToken.None));
            Assert.False(await reporter.ReportOnceAsync(CancellationToken.None));
            var stored = (await store.GetJsonAsync<NodeReport>(NodeReportKeys.For("layer2", "node-a"))).Value!;
            Assert.Equal(new ReportingPod("ironlb-layer2-x", "uid-1"), stored.Pod);
            Assert.Equal("web", Assert.Single(stored.Services).Name);

            status.Update([], ownersVersion: 8);
            Assert.True(await reporter.ReportOnceAsync(CancellationToken.None));
            Assert.Empty((await store.GetJsonAsync<NodeReport>(NodeReportKeys.For("layer2", "node-a"))).Value!.Services);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Describe_InterfacesUnknown_NoFailureClaimed()
    {
        var owned = new AddressOwner("203.0.113.10", "node-a", 2, ["bond7"], ["shop/web"]);

        Assert.Null(Assert.Single(Layer2Report.Describe([owned], present: null, "node-a")).Failure);
    }
}
