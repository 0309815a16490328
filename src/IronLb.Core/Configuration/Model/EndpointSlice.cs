using System.Text.Json.Serialization;

namespace IronLb.Core.Configuration;

/// <summary>discovery.k8s.io/v1 EndpointSlice: which nodes host ready endpoints of a Service.</summary>
public sealed record EndpointSlice() : ManifestObject(KindName)
{
    public const string KindName = "EndpointSlice";

    /// <summary>The label naming the Service a slice belongs to.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>IPv4, IPv6 or FQDN; "" when not set.</summary>
    public string AddressType { get; init; } = "";

    public ValueList<Endpoint> Endpoints { get; init; } = [];

    /// <summary>The owning Service's name from the kubernetes.io/service-name label, or null.</summary>
    [JsonIgnore]
    public string? ServiceName => Metadata.Labels.TryGetValue(ServiceNameLabel, out var name) ? name : null;
}

/// <summary>One endpoint of an EndpointSlice.</summary>
public sealed record Endpoint
{
    public ValueList<string> Addresses { get; init; } = [];

    /// <summary>conditions.ready; null when unknown, which Kubernetes says to treat as ready.</summary>
    public bool? Ready { get; init; }

    /// <summary>conditions.serving: still answering while terminating; null when not reported.</summary>
    public bool? Serving { get; init; }

    /// <summary>The node it runs on; null for endpoints no node hosts (a Service without a selector, a hand-written slice).</summary>
    public string? NodeName { get; init; }

    /// <summary>Ready unless the slice says otherwise.</summary>
    [JsonIgnore]
    public bool IsReady => Ready ?? true;

    /// <summary>
    /// Whether it takes traffic as MetalLB counts it: ready (or readiness unknown), or serving while it terminates,
    /// so that a graceful termination keeps the address announced until the endpoint stops serving.
    /// </summary>
    [JsonIgnore]
    public bool CanServe => IsReady || Serving == true;
}
