using IronLb.Core.Configuration;
using IronLb.Ipam.Allocation;

namespace IronLb.Ipam.Tests;

/// <summary>Builders for the MetalLB and Kubernetes objects the tests feed the allocator.</summary>
internal static class TestServices
{
    public static Service LoadBalancer(
        string ns,
        string name,
        string? loadBalancerIp = null,
        (string Key, string Value)[]? annotations = null,
        (string Key, string Value)[]? labels = null,
        string? policy = null,
        string[]? families = null,
        (string Protocol, int Port)[]? ports = null,
        string trafficPolicy = "Cluster",
        (string Key, string Value)[]? selector = null,
        string? loadBalancerClass = null,
        string type = "LoadBalancer") => new()
        {
            ApiVersion = "v1",
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = ns,
                Annotations = StringMap.Of(annotations ?? []),
                Labels = StringMap.Of(labels ?? []),
            },
            Spec = new ServiceSpec
            {
                Type = type,
                LoadBalancerIp = loadBalancerIp,
                LoadBalancerClass = loadBalancerClass,
                IpFamilyPolicy = policy,
                IpFamilies = ValueList.Create<string>(families ?? []),
                ExternalTrafficPolicy = trafficPolicy,
                Selector = StringMap.Of(selector ?? [("app", name)]),
                Ports = ValueList.Create<ServicePort>([.. (ports ?? [("TCP", 80)]).Select(p => new ServicePort { Protocol = p.Protocol, Port = p.Port })]),
            },
        };

    public static IpAddressPool Pool(
        string name,
        string[] addresses,
        bool autoAssign = true,
        bool avoidBuggyIps = false,
        ServiceAllocation? serviceAllocation = null,
        (string Key, string Value)[]? labels = null) => new()
        {
            ApiVersion = ApiVersions.MetalLbV1Beta1,
            Metadata = new ObjectMeta { Name = name, Namespace = "metallb-system", Labels = StringMap.Of(labels ?? []) },
            Spec = new IpAddressPoolSpec
            {
                Addresses = ValueList.Create<string>(addresses),
                AutoAssign = autoAssign,
                AvoidBuggyIps = avoidBuggyIps,
                ServiceAllocation = serviceAllocation,
            },
        };

    public static LabelSelector Selector(params (string Key, string Value)[] matchLabels) => new() { MatchLabels = StringMap.Of(matchLabels) };

    public static AllocationRequest Request(Service service, IReadOnlyDictionary<string, string>? namespaceLabels = null)
    {
        Assert.True(AllocationRequestReader.TryRead(service, namespaceLabels, out var request, out var error), error);
        return request!;
    }

    public static AddressAllocator Allocator(params IpAddressPool[] pools) =>
        new(pools.Select(p => AddressPoolDefinition.TryFrom(p, out var d, out var e) ? d! : throw new InvalidOperationException(e)));

    public static string[] Texts(this AllocationOutcome outcome)
    {
        Assert.True(outcome.Succeeded, outcome.Error);
        return [.. outcome.Assignment!.Addresses.Select(a => a.ToString())];
    }
}
