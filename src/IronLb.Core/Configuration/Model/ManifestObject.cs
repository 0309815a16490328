using System.Text.Json.Serialization;

namespace IronLb.Core.Configuration;

/// <summary>What every manifest object shares: its API version, kind, metadata and the file it was read from.</summary>
public abstract record ManifestObject
{
    protected ManifestObject(string kind) => Kind = kind;

    /// <summary>The apiVersion as written, e.g. "metallb.io/v1beta2".</summary>
    [JsonPropertyOrder(-3)]
    public string ApiVersion { get; init; } = "";

    /// <summary>The Kubernetes kind, e.g. "IPAddressPool"; fixed by the type.</summary>
    [JsonPropertyOrder(-2)]
    public string Kind { get; }

    [JsonPropertyOrder(-1)]
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>The file this object came from, as given to the loader (relative to a loaded directory); kept for error messages.</summary>
    [JsonPropertyOrder(1)]
    public string SourceFile { get; init; } = "";

    [JsonIgnore]
    public string Name => Metadata.Name;

    [JsonIgnore]
    public string Namespace => Metadata.Namespace;
}

/// <summary>Kubernetes object metadata: the parts IronLB reads.</summary>
public sealed record ObjectMeta
{
    /// <summary>Namespace of a namespaced object whose manifest names none, as kubectl's default context would give it.</summary>
    public const string DefaultNamespace = "default";

    public string Name { get; init; } = "";

    /// <summary>The namespace; "default" for a namespaced object whose manifest names none, "" for cluster-scoped objects.</summary>
    public string Namespace { get; init; } = "";

    public StringMap Labels { get; init; } = StringMap.Empty;

    public StringMap Annotations { get; init; } = StringMap.Empty;
}

/// <summary>A reference to a Secret by name and namespace (Kubernetes SecretReference).</summary>
public sealed record SecretReference
{
    public string Name { get; init; } = "";

    /// <summary>The Secret's namespace; "" means the referencing object's namespace.</summary>
    public string Namespace { get; init; } = "";
}

/// <summary>API versions this model reads.</summary>
public static class ApiVersions
{
    public const string MetalLbV1Beta1 = "metallb.io/v1beta1";
    public const string MetalLbV1Beta2 = "metallb.io/v1beta2";
    public const string CoreV1 = "v1";
    public const string DiscoveryV1 = "discovery.k8s.io/v1";
}
