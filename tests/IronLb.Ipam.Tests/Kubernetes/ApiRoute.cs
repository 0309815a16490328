using System.Text.Json.Nodes;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>A request path: /api/VERSION/... or /apis/GROUP/VERSION/..., then [namespaces/NS/]PLURAL[/NAME[/SUBRESOURCE]].</summary>
internal sealed record ApiRoute(string Group, string Version, string Plural, string Kind, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>The kinds the fake serves: API group, plural and whether they are namespaced.</summary>
    public static readonly IReadOnlyDictionary<string, (string Group, string Plural, bool Namespaced)> Kinds = new Dictionary<string, (string Group, string Plural, bool Namespaced)>(StringComparer.Ordinal)
    {
        ["Service"] = ("", "services", true),
        ["Node"] = ("", "nodes", false),
        ["Namespace"] = ("", "namespaces", false),
        ["Secret"] = ("", "secrets", true),
        ["ConfigMap"] = ("", "configmaps", true),
        ["Event"] = ("", "events", true),
        ["EndpointSlice"] = ("discovery.k8s.io", "endpointslices", true),
        ["IPAddressPool"] = ("metallb.io", "ipaddresspools", true),
        ["L2Advertisement"] = ("metallb.io", "l2advertisements", true),
        ["BGPAdvertisement"] = ("metallb.io", "bgpadvertisements", true),
        ["BGPPeer"] = ("metallb.io", "bgppeers", true),
        ["BFDProfile"] = ("metallb.io", "bfdprofiles", true),
        ["Community"] = ("metallb.io", "communities", true),
        ["ServiceL2Status"] = ("metallb.io", "servicel2statuses", true),
        ["ServiceBGPStatus"] = ("metallb.io", "servicebgpstatuses", true),
        ["ConfigurationState"] = ("metallb.io", "configurationstates", true),
    };

    /// <summary>Kinds with a status subresource: a create or an update of the object itself leaves their status alone.</summary>
    public static readonly IReadOnlySet<string> WithStatusSubresource = new HashSet<string>(StringComparer.Ordinal)
    {
        "Service", "IPAddressPool", "ServiceL2Status", "ServiceBGPStatus", "ConfigurationState",
    };

    public string Resource => Group + "/" + Plural;

    public string DisplayName => Group.Length == 0 ? Plural : Plural + "." + Group;

    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public static bool TryParse(string path, out ApiRoute route)
    {
        route = null!;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group;
        string[] rest;
        if (segments is ["api", _, ..])
        {
            group = "";
            rest = segments[2..];
        }
        else if (segments is ["apis", _, _, ..])
        {
            group = segments[1];
            rest = segments[3..];
        }
        else
        {
            return false;
        }

        var version = segments[group.Length == 0 ? 1 : 2];
        string? ns = null;
        if (rest is ["namespaces", _, _, ..])
        {
            ns = rest[1];
            rest = rest[2..];
        }

        if (rest.Length is 0 or > 3)
        {
            return false;
        }

        var kind = Kinds.FirstOrDefault(k => k.Value.Group == group && k.Value.Plural == rest[0]).Key;
        if (kind is null)
        {
            return false;
        }

        route = new ApiRoute(group, version, rest[0], kind, ns, rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null);
        return true;
    }

    public bool Selects(JsonObject item) => Namespace is null || item["metadata"]?["namespace"]?.GetValue<string>() == Namespace;

    /// <summary>In a list, built-in kinds' items carry no apiVersion and kind; custom resources' do.</summary>
    public JsonObject AsListItem(JsonObject item)
    {
        var copy = AsWatchObject(item);
        if (Group.Length == 0 || Group == "discovery.k8s.io")
        {
            copy.Remove("apiVersion");
            copy.Remove("kind");
        }

        return copy;
    }

    public JsonObject AsWatchObject(JsonObject item)
    {
        var copy = (JsonObject)item.DeepClone();
        copy["apiVersion"] = ApiVersion;
        copy["kind"] = Kind;
        return copy;
    }
}
