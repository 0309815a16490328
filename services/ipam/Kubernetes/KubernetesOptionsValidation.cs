using Microsoft.Extensions.Options;

namespace IronLb.Ipam.Kubernetes;

/// <summary>Checks Kubernetes mode's settings at start, naming each problem, and that it is not asked for beside a manifests folder.</summary>
internal sealed class KubernetesOptionsValidation : IValidateOptions<IpamOptions>
{
    public ValidateOptionsResult Validate(string? name, IpamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Kubernetes.Enabled)
        {
            return ValidateOptionsResult.Skip;
        }

        var problems = options.Kubernetes.Problems().ToList();
        if (options.ConfigDirectory is not null)
        {
            problems.Insert(0, "Ipam:ConfigDirectory and Ipam:Kubernetes:Enabled are mutually exclusive: read from a folder or from the API, not both");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
