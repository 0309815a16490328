namespace IronLb.Core.Configuration;

/// <summary>v1 Namespace: only its labels matter here, for serviceAllocation.namespaceSelectors.</summary>
public sealed record ClusterNamespace() : ManifestObject(KindName)
{
    public const string KindName = "Namespace";
}
