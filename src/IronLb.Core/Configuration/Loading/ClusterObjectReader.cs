using System.Text.Json.Nodes;

namespace IronLb.Core.Configuration;

/// <summary>Maps core Kubernetes manifests (Service, Node, EndpointSlice, Secret, Namespace) onto the model: only the fields a load balancer needs.</summary>
internal static class ClusterObjectReader
{
    public static Service ReadService(ManifestHeader header, JsonObject root, FieldReader r)
    {
        var spec = r.Object(root, "", "spec");
        var loadBalancer = r.Object(r.Object(root, "", "status"), "status", "loadBalancer");
        return new Service
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            SourceFile = header.File,
            Spec = new ServiceSpec
            {
                Type = r.String(spec, "spec", "type") ?? "ClusterIP",
                LoadBalancerIp = r.String(spec, "spec", "loadBalancerIP"),
                LoadBalancerClass = r.String(spec, "spec", "loadBalancerClass"),
                IpFamilyPolicy = r.String(spec, "spec", "ipFamilyPolicy"),
                IpFamilies = r.StringList(spec, "spec", "ipFamilies"),
                ExternalTrafficPolicy = r.String(spec, "spec", "externalTrafficPolicy") ?? ServiceSpec.TrafficPolicyCluster,
                Selector = r.Map(spec, "spec", "selector"),
                Ports = ValueList.From(r.ObjectList(spec, "spec", "ports").Select(port => new ServicePort
                {
                    Name = r.String(port.Item, port.Path, "name"),
                    Protocol = r.String(port.Item, port.Path, "protocol") ?? "TCP",
                    Port = (int?)r.Integer(port.Item, port.Path, "port", 1, 65535) ?? 0,
                })),
            },
            Status = new ServiceStatus
            {
                LoadBalancerIngress = ValueList.From(r.ObjectList(loadBalancer, "status.loadBalancer", "ingress").Select(ingress => new LoadBalancerIngress
                {
                    Ip = r.String(ingress.Item, ingress.Path, "ip"),
                    Hostname = r.String(ingress.Item, ingress.Path, "hostname"),
                    IpMode = r.String(ingress.Item, ingress.Path, "ipMode"),
                })),
            },
        };
    }

    public static ClusterNamespace ReadNamespace(ManifestHeader header, JsonObject root, FieldReader r) =>
        new() { ApiVersion = header.ApiVersion, Metadata = header.Metadata, SourceFile = header.File };

    public static Node ReadNode(ManifestHeader header, JsonObject root, FieldReader r)
    {
        var status = r.Object(root, "", "status");
        return new Node
        {
            ApiVersion = header.ApiVersion,
            Metadata = header.Metadata,
            SourceFile = header.File,
            Conditions = ValueList.From(r.ObjectList(status, "status", "conditions").Select(condition => new NodeCondition
            {
                Type = r.String(condition.Item, condition.Path, "type") ?? "",
                Status = r.String(condition.Item, condition.Path, "status") ?? "",
            })),
            Addresses = ValueList.From(r.ObjectList(status, "status", "addresses").Select(address => new NodeAddress
            {
                Type = r.String(address.Item, address.Path, "type") ?? "",
                Address = r.String(address.Item, address.Path, "address") ?? "",
            })),
        };
    }

    public static EndpointSlice ReadEndpointSlice(ManifestHeader header, JsonObject root, FieldReader r) => new()
    {
        ApiVersion = header.ApiVersion,
        Metadata = header.Metadata,
        SourceFile = header.File,
        AddressType = r.String(root, "", "addressType") ?? "",
        Endpoints = ValueList.From(r.ObjectList(root, "", "endpoints").Select(endpoint =>
        {
            var conditions = r.Object(endpoint.Item, endpoint.Path, "conditions");
            var conditionsPath = FieldReader.Join(endpoint.Path, "conditions");
            return new Endpoint
            {
                Addresses = r.StringList(endpoint.Item, endpoint.Path, "addresses"),
                Ready = r.Bool(conditions, conditionsPath, "ready"),
                Serving = r.Bool(conditions, conditionsPath, "serving"),
                NodeName = r.String(endpoint.Item, endpoint.Path, "nodeName"),
            };
        })),
    };

    /// <summary>metallb-excludel2: the YAML under data["excludel2.yaml"], read with the manifests' own YAML reader.</summary>
    public static ExcludeL2 ReadExcludeL2(ManifestHeader header, JsonObject root, FieldReader r)
    {
        const string path = "data.excludel2.yaml";
        var data = r.Map(root, "", "data");
        var patterns = ValueList.Create<string>([]);
        if (!data.TryGetValue("excludel2.yaml", out var text))
        {
            r.Report(path, "is missing: expected announcedInterfacesToExclude, a list of regular expressions");
        }
        else
        {
            var documents = YamlTreeReader.Read(text, (_, line, message) => r.Report(path, $"line {line}: {message}"));
            if (documents.Count > 0 && documents[0].Root is JsonObject list)
            {
                patterns = r.StringList(list, path, "announcedInterfacesToExclude");
            }
        }

        return new ExcludeL2 { ApiVersion = header.ApiVersion, Metadata = header.Metadata, SourceFile = header.File, AnnouncedInterfacesToExclude = patterns };
    }

    public static Secret ReadSecret(ManifestHeader header, JsonObject root, FieldReader r) => new()
    {
        ApiVersion = header.ApiVersion,
        Metadata = header.Metadata,
        SourceFile = header.File,
        Type = r.String(root, "", "type") ?? "Opaque",
        Data = r.Map(root, "", "data"),
        StringData = r.Map(root, "", "stringData"),
    };
}
