using System.Text.Json.Nodes;
using static IronLb.Ipam.Tests.Kubernetes.KubernetesIpamHost;

namespace IronLb.Ipam.Tests.Kubernetes;

/// <summary>Kubernetes mode reads MetalLB's metallb-excludel2 ConfigMap from the MetalLB namespace, and no other ConfigMap.</summary>
public sealed class ExcludeL2ConfigMapTests
{
    [Fact]
    public async Task ConfigMapApplied_ExclusionListInTheConfiguration_OthersIgnored()
    {
        await using var ipam = await StartAsync();
        var first = await WaitAsync(() => ipam.Configuration, "the first configuration");
        Assert.Contains("^veth.*", first.Configuration.Layer2InterfaceExclusions);

        ipam.Api.Apply(ConfigMap("metallb-system", "unrelated", "announcedInterfacesToExclude: ['^eth7$']"));
        ipam.Api.Apply(ConfigMap("shop", "metallb-excludel2", "announcedInterfacesToExclude: ['^eth8$']"));
        ipam.Api.Apply(ConfigMap("metallb-system", "metallb-excludel2", "announcedInterfacesToExclude: ['^eth9$', '^veth.*']"));

        var applied = await WaitAsync(() => ipam.Configuration is { } c && c.Configuration.Layer2InterfaceExclusions.Contains("^eth9$") ? c : null, "the exclusion list applied");
        Assert.Equal(["^eth9$", "^veth.*"], applied.Configuration.Layer2InterfaceExclusions);
    }

    private static JsonObject ConfigMap(string ns, string name, string yaml) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["data"] = new JsonObject { ["excludel2.yaml"] = yaml },
    };
}
