using System.Text.Json.Nodes;
using IronLb.Cli.Commands;
using IronLb.Deploy.Tests.Rendering;
using IronLb.Testing;

namespace IronLb.Deploy.Tests.Crds;

/// <summary>`ironlb crds`: what deploy/ ships, with MetalLB's names, and schemas that accept examples/ and refuse the broken data a schema can catch.</summary>
public sealed class CrdTests
{
    private static readonly string[] MetalLbKinds =
        ["IPAddressPool", "L2Advertisement", "BGPAdvertisement", "BGPPeer", "BFDProfile", "Community", "ServiceL2Status", "ServiceBGPStatus", "ConfigurationState"];

    [Fact]
    public void Crds_CommittedFile_IsTheCommandsOutput()
    {
        using var output = new StringWriter();
        Assert.Equal(0, CrdsCommand.Run(output));

        Assert.Equal(output.ToString(), File.ReadAllText(RepositoryLayout.PathOf("deploy", "base", "crds.yaml")));
    }

    [Fact]
    public void Crds_Rendered_MetalLbsGroupNamesAndVersions()
    {
        var crds = Definitions();

        Assert.Equal(MetalLbKinds.Order(), crds.Keys.Order());
        foreach (var (kind, crd) in crds)
        {
            var spec = crd["spec"]!;
            Assert.Equal("metallb.io", spec["group"]!.GetValue<string>());
            Assert.Equal("Namespaced", spec["scope"]!.GetValue<string>());
            Assert.Equal(spec["names"]!["plural"]!.GetValue<string>() + ".metallb.io", crd["metadata"]!["name"]!.GetValue<string>());
            var versions = spec["versions"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()).ToArray();
            Assert.Equal(kind == "BGPPeer" ? ["v1beta1", "v1beta2"] : ["v1beta1"], versions);
            Assert.Single(spec["versions"]!.AsArray(), v => v!["storage"]!.GetValue<bool>());
        }
    }

    [Fact]
    public void Schema_EveryMetalLbObjectInExamples_Accepted()
    {
        var objects = ManifestObjects("examples").ToList();

        Assert.NotEmpty(objects);
        foreach (var item in objects)
        {
            Assert.Empty(Validate(item));
        }
    }

    [Fact]
    public void Schema_StatusObjectsAsIpamWritesThem_AcceptedAndWrongTypesRefused()
    {
        // The shapes tests/IronLb.Ipam.Tests/Kubernetes/AnnouncementStatusTests asserts ipam writes.
        JsonObject[] written =
        [
            StatusObject("ServiceL2Status", """{"node":"node-a","serviceName":"web","serviceNamespace":"shop","interfaces":[{"name":"eth0"}]}"""),
            StatusObject("ServiceBGPStatus", """{"node":"node-b","serviceName":"web","serviceNamespace":"shop","peers":["tor-v4","tor-v6"]}"""),
            StatusObject("ConfigurationState", """{"result":"Invalid","errorSummary":"IPAddressPool/clash: overlaps"}"""),
        ];
        Assert.All(written, o => Assert.Empty(Validate(o)));

        Assert.NotEmpty(Validate(StatusObject("ServiceBGPStatus", """{"node":"node-b","peers":"tor-v4"}""")));
        Assert.NotEmpty(Validate(StatusObject("ServiceL2Status", """{"node":"node-a","interfaces":["eth0"]}""")));
        Assert.NotEmpty(Validate(StatusObject("ConfigurationState", """{"result":"Fine"}""")));
    }

    [Fact]
    public void Schema_BrokenTestData_RefusesWhatASchemaCanSee()
    {
        var verdicts = ManifestObjects("tests/IronLb.Core.Tests/TestData/broken").ToDictionary(o => RenderedObjects.Name(o), o => Validate(o));

        // Wrong types and missing required fields are refused by the API server itself.
        Assert.Contains(verdicts["typo"], e => e.Contains(".spec.detectMultiplier: expected integer", StringComparison.Ordinal));
        Assert.Contains(verdicts["no-local-asn"], e => e.Contains(".spec.myASN: Required value", StringComparison.Ordinal));

        // The rest break rules between objects or on values (overlapping pools, a pool no one defines, a hold time under
        // 3 s, a missing Secret): no schema sees them; ipam's validator reports them (tests/IronLb.Core.Tests).
        Assert.All(verdicts.Where(v => v.Key is not ("typo" or "no-local-asn")), v => Assert.Empty(v.Value));
    }

    private static JsonObject StatusObject(string kind, string status) => new()
    {
        ["apiVersion"] = "metallb.io/v1beta1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = "x", ["namespace"] = "metallb-system" },
        ["status"] = JsonNode.Parse(status),
    };

    private static IReadOnlyList<string> Validate(JsonObject item)
    {
        var apiVersion = item["apiVersion"]!.GetValue<string>();
        var crd = Definitions()[RenderedObjects.Kind(item)];
        var version = crd["spec"]!["versions"]!.AsArray().Single(v => "metallb.io/" + v!["name"]!.GetValue<string>() == apiVersion);
        return [.. StructuralSchema.Validate(item, (JsonObject)version!["schema"]!["openAPIV3Schema"]!).Select(e => $"{RenderedObjects.Kind(item)}/{RenderedObjects.Name(item)}: {e}")];
    }

    private static Dictionary<string, JsonObject> Definitions() =>
        RenderedObjects.Of("deploy/overlays/quickstart").Where(o => RenderedObjects.Kind(o) == "CustomResourceDefinition")
            .ToDictionary(c => c["spec"]!["names"]!["kind"]!.GetValue<string>(), StringComparer.Ordinal);

    private static IEnumerable<JsonObject> ManifestObjects(string folder) =>
        Directory.EnumerateFiles(RepositoryLayout.PathOf(folder), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .SelectMany(f => RenderedObjects.Parse(File.ReadAllText(f)))
            .Where(o => o["apiVersion"]?.GetValue<string>()?.StartsWith("metallb.io/", StringComparison.Ordinal) == true);
}
