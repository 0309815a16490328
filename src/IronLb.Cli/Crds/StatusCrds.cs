using System.Text.Json.Nodes;

namespace IronLb.Cli.Crds;

/// <summary>
/// The CRDs of the status-only metallb.io kinds ipam writes (services/ipam/Kubernetes/AnnouncementStatusWriter.cs):
/// ServiceL2Status, ServiceBGPStatus and ConfigurationState. Their fields are not part of the configuration model, so
/// the schemas are written out here, field for field as MetalLB's api/v1beta1 declares them, with its printer columns.
/// </summary>
internal static class StatusCrds
{
    public static IEnumerable<JsonObject> Generate()
    {
        yield return Definition("ServiceL2Status", "servicel2statuses", AnnouncementStatus(new JsonObject
        {
            ["type"] = "array",
            ["items"] = Object(new JsonObject { ["name"] = String() }),
        }, "interfaces"), [Column("Allocated Node", ".status.node"), Column("Service Name", ".status.serviceName"), Column("Service Namespace", ".status.serviceNamespace")]);

        yield return Definition("ServiceBGPStatus", "servicebgpstatuses", AnnouncementStatus(new JsonObject
        {
            ["type"] = "array",
            ["items"] = String(),
        }, "peers"), [Column("Node", ".status.node"), Column("Service Name", ".status.serviceName"), Column("Service Namespace", ".status.serviceNamespace")]);

        var result = String();
        result["enum"] = new JsonArray("Valid", "Invalid", "Unknown");
        var condition = Object(new JsonObject
        {
            ["type"] = String(),
            ["status"] = String(),
            ["reason"] = String(),
            ["message"] = String(),
            ["lastTransitionTime"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            ["observedGeneration"] = new JsonObject { ["type"] = "integer", ["format"] = "int64" },
        });
        condition["required"] = new JsonArray("lastTransitionTime", "message", "reason", "status", "type");
        yield return Definition("ConfigurationState", "configurationstates", Object(new JsonObject
        {
            ["result"] = result,
            ["errorSummary"] = String(),
            ["conditions"] = new JsonObject { ["type"] = "array", ["items"] = condition },
        }), [Column("Result", ".status.result"), Column("ErrorSummary", ".status.errorSummary"), new JsonObject { ["name"] = "Age", ["type"] = "date", ["jsonPath"] = ".metadata.creationTimestamp" }], spec: false);
    }

    private static JsonObject AnnouncementStatus(JsonObject list, string listName) => Object(new JsonObject
    {
        ["node"] = String(),
        ["serviceName"] = String(),
        ["serviceNamespace"] = String(),
        [listName] = list,
    });

    private static JsonObject Definition(string kind, string plural, JsonObject status, JsonObject[] columns, bool spec = true)
    {
        var properties = new JsonObject
        {
            ["apiVersion"] = String(),
            ["kind"] = String(),
            ["metadata"] = new JsonObject { ["type"] = "object" },
        };
        if (spec)
        {
            // MetalLB's spec types for these kinds have no fields.
            properties["spec"] = new JsonObject { ["type"] = "object" };
        }

        properties["status"] = status;
        var version = new JsonObject
        {
            ["name"] = "v1beta1",
            ["served"] = true,
            ["storage"] = true,
            ["additionalPrinterColumns"] = new JsonArray([.. columns]),
            ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["properties"] = properties } },
        };
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = plural + "." + CrdGenerator.Group },
            ["spec"] = new JsonObject
            {
                ["group"] = CrdGenerator.Group,
                ["names"] = new JsonObject { ["kind"] = kind, ["listKind"] = kind + "List", ["plural"] = plural, ["singular"] = kind.ToLowerInvariant() },
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray(version),
            },
        };
    }

    private static JsonObject Column(string name, string path) => new() { ["name"] = name, ["type"] = "string", ["jsonPath"] = path };

    private static JsonObject Object(JsonObject properties) => new() { ["type"] = "object", ["properties"] = properties };

    private static JsonObject String() => new() { ["type"] = "string" };
}
