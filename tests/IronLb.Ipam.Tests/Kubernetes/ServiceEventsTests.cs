using IronLb.Ipam.Kubernetes;
using IronLb.Ipam.Planning;

namespace IronLb.Ipam.Tests.Kubernetes;

public class ServiceEventsTests
{
    [Fact]
    public void Describe_Addresses_IpAllocatedWithGoQuotedList()
    {
        var described = ServiceEvents.Describe(new ServicePlan("ns", "s", ["192.0.2.1", "2001:db8::1"], "public", null));

        Assert.Equal(new ServiceEvent("Normal", "IPAllocated", "Assigned IP [\"192.0.2.1\" \"2001:db8::1\"]"), described);
    }

    [Fact]
    public void Describe_Error_AllocationFailedWithThePlansError()
    {
        var described = ServiceEvents.Describe(new ServicePlan("ns", "s", [], null, "no available IPs in pool \"public\""));

        Assert.Equal(new ServiceEvent("Warning", "AllocationFailed", "no available IPs in pool \"public\""), described);
    }

    [Fact]
    public void Describe_NoAddressNoError_Nothing()
    {
        Assert.Null(ServiceEvents.Describe(new ServicePlan("ns", "s", [], null, null)));
    }

    [Theory]
    [InlineData("IPAllocated", null, true, true)]
    [InlineData("IPAllocated", null, false, false)]
    [InlineData("IPAllocated", "IPAllocated", true, false)]
    [InlineData("AllocationFailed", null, false, true)]
    [InlineData("AllocationFailed", "AllocationFailed", false, false)]
    [InlineData("AllocationFailed", "IPAllocated", true, true)]
    [InlineData("IPAllocated", "AllocationFailed", true, true)]
    public void IsNews_ByLastRecordedAndStatusChange(string next, string? last, bool statusChanged, bool expected)
    {
        Assert.Equal(expected, ServiceEvents.IsNews(Event(next), last is null ? null : Event(last), statusChanged));
    }

    [Fact]
    public void IsNews_FailureWithAnotherMessage_News()
    {
        var last = new ServiceEvent("Warning", "AllocationFailed", "pool exhausted");

        Assert.True(ServiceEvents.IsNews(last with { Message = "address in use" }, last, statusChanged: false));
    }

    private static ServiceEvent Event(string reason) =>
        reason == "IPAllocated" ? new("Normal", reason, "Assigned IP [\"192.0.2.1\"]") : new("Warning", reason, "no available IPs");
}
