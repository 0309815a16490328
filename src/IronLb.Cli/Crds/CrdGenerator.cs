using System.Reflection;
using System.Text.Json.Nodes;
using IronLb.Core.Configuration;

namespace IronLb.Cli.Crds;

/// <summary>
/// The CustomResourceDefinitions of the metallb.io kinds IronLB reads and writes, with OpenAPI v3 schemas derived from
/// IronLB's configuration model (the spec records in IronLb.Core.Configuration). Group, versions, names and scope are
/// MetalLB's (config/crd in metallb/metallb), so a cluster that has MetalLB's CRDs keeps its objects.
/// </summary>
internal static class CrdGenerator
{
    /// <summary>Where the model's property names differ from the JSON field names MetalLB's CRDs use (acronyms in capitals).</summary>
    private static readonly Dictionary<string, string> FieldNames = new(StringComparer.Ordinal)
    {
        [nameof(BgpPeerSpec.MyAsn)] = "myASN",
        [nameof(BgpPeerSpec.PeerAsn)] = "peerASN",
        [nameof(BgpPeerSpec.DynamicAsn)] = "dynamicASN",
        [nameof(BgpPeerSpec.RouterId)] = "routerID",
        [nameof(BgpPeerSpec.DisableMp)] = "disableMP",
        [nameof(IpAddressPoolSpec.AvoidBuggyIps)] = "avoidBuggyIPs",
    };

    /// <summary>BGPPeer fields v1beta2 added; v1beta1's schema leaves them out, as MetalLB's does.</summary>
    private static readonly HashSet<string> BgpPeerV1Beta2Only = new(StringComparer.Ordinal)
    {
        nameof(BgpPeerSpec.DynamicAsn), nameof(BgpPeerSpec.Interface), nameof(BgpPeerSpec.ConnectTime), nameof(BgpPeerSpec.PasswordSecret),
        nameof(BgpPeerSpec.EnableGracefulRestart), nameof(BgpPeerSpec.Vrf), nameof(BgpPeerSpec.DisableMp), nameof(BgpPeerSpec.DualStackAddressFamily),
    };

    /// <summary>Fields MetalLB's schemas require (a missing one is refused by the API server, not left to the controller).</summary>
    private static readonly Dictionary<(Type Type, string? Version), string[]> Required = new()
    {
        [(typeof(IpAddressPoolSpec), null)] = ["addresses"],
        [(typeof(BgpPeerSpec), "v1beta1")] = ["myASN", "peerASN", "peerAddress"],
        [(typeof(BgpPeerSpec), "v1beta2")] = ["myASN"],
        [(typeof(LabelSelectorRequirement), null)] = ["key", "operator"],
    };

    /// <summary>One kind: its spec type, plural, and its versions (the last one stored).</summary>
    private sealed record Kind(string Name, string Plural, Type Spec, string[] Versions, bool PoolStatus = false);

    private static readonly Kind[] Kinds =
    [
        new(IpAddressPool.KindName, "ipaddresspools", typeof(IpAddressPoolSpec), ["v1beta1"], PoolStatus: true),
        new(L2Advertisement.KindName, "l2advertisements", typeof(L2AdvertisementSpec), ["v1beta1"]),
        new(BgpAdvertisement.KindName, "bgpadvertisements", typeof(BgpAdvertisementSpec), ["v1beta1"]),
        new(BgpPeer.KindName, "bgppeers", typeof(BgpPeerSpec), ["v1beta1", "v1beta2"]),
        new(BfdProfile.KindName, "bfdprofiles", typeof(BfdProfileSpec), ["v1beta1"]),
        new(Community.KindName, "communities", typeof(CommunitySpec), ["v1beta1"]),
    ];

    public const string Group = "metallb.io";

    /// <summary>Every CRD, in a fixed order: the configuration kinds, then the status kinds ipam writes.</summary>
    public static IReadOnlyList<JsonObject> Generate() => [.. Kinds.Select(Definition), .. StatusCrds.Generate()];

    /// <summary>The JSON field name of a model property.</summary>
    public static string FieldName(PropertyInfo property) =>
        FieldNames.TryGetValue(property.Name, out var name) ? name : char.ToLowerInvariant(property.Name[0]) + property.Name[1..];

    private static JsonObject Definition(Kind kind)
    {
        var versions = new JsonArray();
        foreach (var version in kind.Versions)
        {
            var properties = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["kind"] = new JsonObject { ["type"] = "string" },
                ["metadata"] = new JsonObject { ["type"] = "object" },
                ["spec"] = ObjectSchema(kind.Spec, version, p => kind.Name != BgpPeer.KindName || version != "v1beta1" || !BgpPeerV1Beta2Only.Contains(p.Name)),
            };
            var entry = new JsonObject
            {
                ["name"] = version,
                ["served"] = true,
                ["storage"] = version == kind.Versions[^1],
            };
            if (kind.PoolStatus)
            {
                // What ipam writes through the status subresource (services/ipam/Kubernetes/PoolStatusWriter.cs).
                properties["status"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["assignedIPv4"] = Integer("int64"),
                        ["assignedIPv6"] = Integer("int64"),
                        ["availableIPv4"] = Integer("int64"),
                        ["availableIPv6"] = Integer("int64"),
                    },
                };
                entry["subresources"] = new JsonObject { ["status"] = new JsonObject() };
            }

            entry["schema"] = new JsonObject { ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["properties"] = properties } };
            versions.Add(entry);
        }

        var singular = kind.Name.ToLowerInvariant();
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = kind.Plural + "." + Group },
            ["spec"] = new JsonObject
            {
                ["group"] = Group,
                ["names"] = new JsonObject { ["kind"] = kind.Name, ["listKind"] = kind.Name + "List", ["plural"] = kind.Plural, ["singular"] = singular },
                ["scope"] = "Namespaced",
                ["versions"] = versions,
            },
        };
    }

    /// <summary>The schema of a model record: one property per settable property (computed ones are not fields).</summary>
    private static JsonObject ObjectSchema(Type type, string version, Func<PropertyInfo, bool> include)
    {
        var properties = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && include(p)))
        {
            properties[FieldName(property)] = Schema(property.PropertyType, version);
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if ((Required.GetValueOrDefault((type, version)) ?? Required.GetValueOrDefault((type, null))) is { } required)
        {
            schema["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]);
        }

        return schema;
    }

    private static JsonObject Schema(Type type, string version)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int))
        {
            return Integer("int32");
        }

        if (type == typeof(uint))
        {
            var schema = Integer("int64");
            schema["minimum"] = 0;
            schema["maximum"] = uint.MaxValue;
            return schema;
        }

        if (type == typeof(TimeSpan))
        {
            // A Go duration ("90s", "1m30s"), as metav1.Duration serialises.
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(StringMap))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueList<>))
        {
            return new JsonObject { ["type"] = "array", ["items"] = Schema(type.GetGenericArguments()[0], version) };
        }

        if (type.IsClass && type.Namespace == typeof(IpAddressPool).Namespace)
        {
            return ObjectSchema(type, version, _ => true);
        }

        throw new NotSupportedException($"no schema for {type}");
    }

    private static JsonObject Integer(string format) => new() { ["type"] = "integer", ["format"] = format };
}
