using IronLb.Ipam.Kubernetes;

namespace IronLb.Ipam.Tests.Kubernetes;

public class KubernetesOptionsValidationTests
{
    [Fact]
    public void Validate_Disabled_Skipped()
    {
        var result = new KubernetesOptionsValidation().Validate(null, new IpamOptions { ConfigDirectory = "/nowhere", Kubernetes = { MetalLbNamespace = "" } });

        Assert.True(result.Skipped);
    }

    [Fact]
    public void Validate_EnabledWithDefaults_Succeeds()
    {
        var result = new KubernetesOptionsValidation().Validate(null, new IpamOptions { Kubernetes = { Enabled = true } });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_EnabledBesideAFolderWithBadSettings_NamesEachProblem()
    {
        var options = new IpamOptions
        {
            ConfigDirectory = "/srv/manifests",
            Kubernetes = { Enabled = true, Kubeconfig = "/no/such/kubeconfig", MetalLbNamespace = " ", ListPageSize = 0 },
        };

        var result = new KubernetesOptionsValidation().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Collection(
            result.Failures!,
            f => Assert.Contains("mutually exclusive", f, StringComparison.Ordinal),
            f => Assert.Contains("MetalLbNamespace", f, StringComparison.Ordinal),
            f => Assert.Contains("Kubeconfig", f, StringComparison.Ordinal),
            f => Assert.Contains("ListPageSize", f, StringComparison.Ordinal));
    }
}
