namespace IronLb.Core.Configuration;

/// <summary>
/// MetalLB's metallb-excludel2 ConfigMap: the interfaces Layer 2 never answers on, as regular expressions under
/// data["excludel2.yaml"] key announcedInterfacesToExclude. Other ConfigMaps are not read.
/// </summary>
public sealed record ExcludeL2() : ManifestObject(KindName)
{
    public const string KindName = "ConfigMap";

    /// <summary>The one ConfigMap name MetalLB's speaker mounts the list from.</summary>
    public const string ConfigMapName = "metallb-excludel2";

    /// <summary>The list MetalLB's manifests ship in that ConfigMap, in force when the configuration has none.</summary>
    public static readonly IReadOnlyList<string> MetalLbDefaults =
    [
        "^docker.*", "^cbr.*", "^dummy.*", "^virbr.*", "^lxcbr.*", "^veth.*", "^lo$", "^cali.*", "^tunl.*", "^flannel.*",
        "^kube-ipvs.*", "^cni.*", "^nodelocaldns.*",
    ];

    /// <summary>announcedInterfacesToExclude: any pattern matching an interface's name excludes it.</summary>
    public ValueList<string> AnnouncedInterfacesToExclude { get; init; } = [];
}
