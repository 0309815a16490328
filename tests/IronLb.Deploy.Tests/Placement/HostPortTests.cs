using System.Text.Json.Nodes;
using IronLb.Deploy.Tests.Rendering;
using IronLb.Testing;

namespace IronLb.Deploy.Tests.Placement;

/// <summary>No two containers that can run on one node take one node port, the Dapr injector's fixed ports counted.</summary>
public sealed class HostPortTests
{
    public static TheoryData<string> Overlays => [.. Kustomize.Overlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void OnOneNode_EveryOverlay_NoPortTakenTwice(string overlay)
    {
        var claims = HostPortClaims.OnOneNode(RenderedObjects.Of(overlay));

        Assert.Empty(HostPortClaims.Clashes(claims).Select(c => $"{c.Key.Protocol}/{c.Key.Port}: {string.Join(", ", c.Select(x => x.Owner))}"));
        // The node agents do take node ports: the check has something to check.
        Assert.Contains(claims, c => c.Owner.EndsWith("/daprd", StringComparison.Ordinal));
    }

    [Fact]
    public void OnOneNode_TwoInjectedHostNetworkAgents_ClashOnTheInjectorsPorts()
    {
        // The layout deploy/ had before: bgp and layer2 as hostNetwork DaemonSets, each with an injected sidecar.
        JsonObject Agent(string name, int appPort) => new()
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "DaemonSet",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["dapr.io/enabled"] = "true", ["dapr.io/app-port"] = appPort.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                    ["spec"] = new JsonObject
                    {
                        ["hostNetwork"] = true,
                        ["containers"] = new JsonArray(new JsonObject
                        {
                            ["name"] = name,
                            ["env"] = new JsonArray(new JsonObject { ["name"] = "ASPNETCORE_URLS", ["value"] = $"http://0.0.0.0:{appPort}" }),
                        }),
                    },
                },
            },
        };

        var clashes = HostPortClaims.Clashes(HostPortClaims.OnOneNode([Agent("bgp", 7473), Agent("layer2", 7474)]));

        Assert.Equal([3500, 3501, 50001, 50002], clashes.Select(c => c.Key.Port).Order());
    }

    [Fact]
    public void OnOneNode_ReplicatedHostNetworkDeployment_ClashesWithItselfUnlessForbidden()
    {
        var deployment = RenderedObjects.Of("deploy/overlays/quickstart").Single(o => RenderedObjects.Kind(o) == "Deployment" && RenderedObjects.Name(o) == "ironlb-ipam");
        deployment["spec"]!["template"]!["spec"]!.AsObject()["hostNetwork"] = true;

        Assert.NotEmpty(HostPortClaims.Clashes(HostPortClaims.OnOneNode([deployment])));

        deployment["spec"]!["template"]!["spec"]!["affinity"]!["podAntiAffinity"]!.AsObject()["requiredDuringSchedulingIgnoredDuringExecution"] =
            new JsonArray(new JsonObject { ["topologyKey"] = "kubernetes.io/hostname" });
        Assert.Empty(HostPortClaims.Clashes(HostPortClaims.OnOneNode([deployment])));
    }
}
