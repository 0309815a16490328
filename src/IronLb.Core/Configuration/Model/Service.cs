namespace IronLb.Core.Configuration;

/// <summary>v1 Service: the parts a load balancer reads and writes.</summary>
public sealed record Service() : ManifestObject(KindName)
{
    public const string KindName = "Service";

    public ServiceSpec Spec { get; init; } = new();

    public ServiceStatus Status { get; init; } = new();
}

/// <summary>The spec of a Service.</summary>
public sealed record ServiceSpec
{
    public const string TypeLoadBalancer = "LoadBalancer";
    public const string TrafficPolicyCluster = "Cluster";
    public const string TrafficPolicyLocal = "Local";

    /// <summary>ClusterIP, NodePort, LoadBalancer or ExternalName; default ClusterIP.</summary>
    public string Type { get; init; } = "ClusterIP";

    /// <summary>Deprecated in Kubernetes but still honoured by MetalLB; null when not set.</summary>
    public string? LoadBalancerIp { get; init; }

    /// <summary>The load balancer implementation asked for; null means the default one.</summary>
    public string? LoadBalancerClass { get; init; }

    /// <summary>SingleStack, PreferDualStack or RequireDualStack; null when not set.</summary>
    public string? IpFamilyPolicy { get; init; }

    /// <summary>IPv4 and/or IPv6, in order of preference.</summary>
    public ValueList<string> IpFamilies { get; init; } = [];

    /// <summary>Cluster or Local; default Cluster.</summary>
    public string ExternalTrafficPolicy { get; init; } = TrafficPolicyCluster;

    public StringMap Selector { get; init; } = StringMap.Empty;

    public ValueList<ServicePort> Ports { get; init; } = [];
}

/// <summary>One port a Service exposes.</summary>
public sealed record ServicePort
{
    public string? Name { get; init; }

    /// <summary>TCP, UDP or SCTP; default TCP.</summary>
    public string Protocol { get; init; } = "TCP";

    public int Port { get; init; }
}

/// <summary>The status of a Service.</summary>
public sealed record ServiceStatus
{
    /// <summary>status.loadBalancer.ingress: the addresses the load balancer gave the Service.</summary>
    public ValueList<LoadBalancerIngress> LoadBalancerIngress { get; init; } = [];
}

/// <summary>One status.loadBalancer.ingress entry.</summary>
public sealed record LoadBalancerIngress
{
    public string? Ip { get; init; }

    public string? Hostname { get; init; }

    /// <summary>VIP or Proxy; null when not set.</summary>
    public string? IpMode { get; init; }
}
