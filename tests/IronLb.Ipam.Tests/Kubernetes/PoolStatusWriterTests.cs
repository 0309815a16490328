using System.Text.Json.Nodes;
using IronLb.Ipam.Allocation;
using IronLb.Ipam.Kubernetes;

namespace IronLb.Ipam.Tests.Kubernetes;

public class PoolStatusWriterTests
{
    [Fact]
    public void Status_Ipv6Slash64Free_SaturatesAtTheSchemasInt64()
    {
        var status = PoolStatusWriter.Status(new PoolStatus("p", 3, 29, 1, UInt128.One << 64));

        Assert.Equal(3, status["assignedIPv4"]!.GetValue<long>());
        Assert.Equal(29, status["availableIPv4"]!.GetValue<long>());
        Assert.Equal(1, status["assignedIPv6"]!.GetValue<long>());
        Assert.Equal(long.MaxValue, status["availableIPv6"]!.GetValue<long>());
    }

    [Fact]
    public void Counters_StoredStatusWithOtherFields_ComparesEqualToTheSameCounters()
    {
        var stored = JsonNode.Parse("""{"assignedIPv4":3,"assignedIPv6":0,"availableIPv4":29,"availableIPv6":0,"conditions":[]}""");

        Assert.True(JsonNode.DeepEquals(PoolStatusWriter.Counters(stored), PoolStatusWriter.Status(new PoolStatus("p", 3, 29, 0, 0))));
        Assert.False(JsonNode.DeepEquals(PoolStatusWriter.Counters(stored), PoolStatusWriter.Status(new PoolStatus("p", 4, 28, 0, 0))));
        Assert.Null(PoolStatusWriter.Counters(null));
    }
}
