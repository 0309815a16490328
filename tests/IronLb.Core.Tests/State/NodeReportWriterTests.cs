using IronLb.Core.Contracts;
using IronLb.Core.State;

namespace IronLb.Core.Tests.State;

public sealed class NodeReportWriterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ironlb-nodereport-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task WriteAsync_SameReportTwice_WritesOnce()
    {
        using var store = FileStateStore.Open(_directory);
        var writer = new NodeReportWriter(store);
        var report = Report("203.0.113.10");

        Assert.True(await writer.WriteAsync(report, CancellationToken.None));
        var etag = (await store.GetAsync(NodeReportKeys.For("layer2", "node-a"))).ETag;

        // A report built afresh with equal content (new lists) is no change.
        Assert.False(await writer.WriteAsync(Report("203.0.113.10"), CancellationToken.None));
        Assert.Equal(etag, (await store.GetAsync(NodeReportKeys.For("layer2", "node-a"))).ETag);
        Assert.Equal(report, (await store.GetJsonAsync<NodeReport>(NodeReportKeys.For("layer2", "node-a"))).Value);
    }

    [Fact]
    public async Task WriteAsync_ReportChanged_StoredUnderTheAgentsKey()
    {
        using var store = FileStateStore.Open(_directory);
        var writer = new NodeReportWriter(store);
        await writer.WriteAsync(Report("203.0.113.10"), CancellationToken.None);

        Assert.True(await writer.WriteAsync(Report("203.0.113.11"), CancellationToken.None));

        var stored = (await store.GetJsonAsync<NodeReport>(NodeReportKeys.For("layer2", "node-a"))).Value!;
        Assert.Equal(["203.0.113.11"], stored.Services.Single().Addresses);
        Assert.False((await store.GetAsync(NodeReportKeys.For("bgp", "node-a"))).Exists);
    }

    private static NodeReport Report(string address) =>
        new("node-a", "layer2", new ReportingPod("ironlb-layer2-x", "uid-1"), [new ServiceAnnouncementReport("shop", "web", [address], ["eth0"], [])]);
}
