using IronLb.Core.Configuration;

namespace IronLb.Ipam.Allocation;

/// <summary>Reads a Service's spec and MetalLB annotations into an <see cref="AllocationRequest"/>, or says why it is malformed.</summary>
internal static class AllocationRequestReader
{
    private static readonly Dictionary<string, string> NoLabels = [];

    /// <summary>
    /// True when the Service is a LoadBalancer of the class this installation serves: MetalLB ignores every
    /// Service whose spec.loadBalancerClass differs from its configured class (none by default).
    /// </summary>
    public static bool IsHandled(Service service, string? loadBalancerClass)
    {
        ArgumentNullException.ThrowIfNull(service);
        return string.Equals(service.Spec.Type, ServiceSpec.TypeLoadBalancer, StringComparison.Ordinal)
            && string.Equals(service.Spec.LoadBalancerClass, loadBalancerClass, StringComparison.Ordinal);
    }

    public static bool TryRead(Service service, IReadOnlyDictionary<string, string>? namespaceLabels, out AllocationRequest? request, out string? error)
    {
        ArgumentNullException.ThrowIfNull(service);
        request = null;
        var key = new ServiceKey(service.Namespace, service.Name);
        var annotations = service.Metadata.Annotations;

        if (!TryReadRequestedAddresses(service, out var requested, out error)
            || !TryReadFamilies(service, requested, out var policy, out var families, out error))
        {
            return false;
        }

        var backendKey = string.Equals(service.Spec.ExternalTrafficPolicy, ServiceSpec.TrafficPolicyLocal, StringComparison.Ordinal)
            ? string.Join(",", service.Spec.Selector.Select(kv => kv.Key + "=" + kv.Value))
            : "";

        request = new AllocationRequest(
            key,
            requested,
            ServiceAnnotations.Get(annotations, ServiceAnnotations.AddressPool),
            policy,
            families,
            ServiceAnnotations.Get(annotations, ServiceAnnotations.AllowSharedIp),
            backendKey,
            [.. service.Spec.Ports.Select(p => new PortKey(p.Protocol, p.Port))],
            service.Metadata.Labels,
            namespaceLabels ?? NoLabels);
        return true;
    }

    private static bool TryReadRequestedAddresses(Service service, out IpAddressValue[] requested, out string? error)
    {
        requested = [];
        error = null;
        var annotated = ServiceAnnotations.Get(service.Metadata.Annotations, ServiceAnnotations.LoadBalancerIps);
        var specIp = string.IsNullOrWhiteSpace(service.Spec.LoadBalancerIp) ? null : service.Spec.LoadBalancerIp.Trim();
        if (annotated is not null && specIp is not null)
        {
            error = "the Service sets both metallb.io/loadBalancerIPs and spec.loadBalancerIP; use one";
            return false;
        }

        var texts = annotated?.Split(',', StringSplitOptions.TrimEntries) ?? (specIp is null ? [] : [specIp]);
        var parsed = new List<IpAddressValue>();
        foreach (var text in texts)
        {
            if (!IpAddressValue.TryParse(text, out var address))
            {
                error = annotated is not null
                    ? $"metallb.io/loadBalancerIPs holds '{text}', which is not an IP address"
                    : $"spec.loadBalancerIP '{text}' is not an IP address";
                return false;
            }

            parsed.Add(address);
        }

        if (parsed.Count > 2 || parsed.Select(a => a.Family).Distinct().Count() != parsed.Count)
        {
            error = "metallb.io/loadBalancerIPs may name at most one address per IP family";
            return false;
        }

        requested = [.. parsed];
        return true;
    }

    private static bool TryReadFamilies(Service service, IpAddressValue[] requested, out FamilyPolicy policy, out IpFamily[] families, out string? error)
    {
        families = [];
        error = null;
        switch (service.Spec.IpFamilyPolicy)
        {
            case null or "" or "SingleStack":
                policy = FamilyPolicy.SingleStack;
                break;
            case "PreferDualStack":
                policy = FamilyPolicy.PreferDualStack;
                break;
            case "RequireDualStack":
                policy = FamilyPolicy.RequireDualStack;
                break;
            default:
                policy = default;
                error = $"spec.ipFamilyPolicy '{service.Spec.IpFamilyPolicy}' is not SingleStack, PreferDualStack or RequireDualStack";
                return false;
        }

        var declared = new List<IpFamily>();
        foreach (var text in service.Spec.IpFamilies)
        {
            IpFamily? family = text switch { "IPv4" => IpFamily.IPv4, "IPv6" => IpFamily.IPv6, _ => null };
            if (family is null || declared.Contains(family.Value))
            {
                error = $"spec.ipFamilies {service.Spec.IpFamilies} is not a list of distinct IPv4/IPv6";
                return false;
            }

            declared.Add(family.Value);
        }

        var requestedFamilies = requested.Select(a => a.Family).ToArray();

        // The API server fills spec.ipFamilies; a manifest folder may leave it out, so it is inferred from the
        // requested addresses, else from the policy (IPv4 first, as Kubernetes defaults a dual-stack cluster).
        families = declared.Count > 0 ? [.. declared]
            : requestedFamilies.Length > 0 && policy != FamilyPolicy.RequireDualStack ? requestedFamilies
            : policy == FamilyPolicy.SingleStack ? [IpFamily.IPv4]
            : [IpFamily.IPv4, IpFamily.IPv6];

        if (policy == FamilyPolicy.SingleStack && families.Length > 1)
        {
            families = [families[0]];
        }

        if (policy == FamilyPolicy.RequireDualStack && families.Length != 2)
        {
            error = "spec.ipFamilyPolicy RequireDualStack needs both IPv4 and IPv6 in spec.ipFamilies";
            return false;
        }

        var served = families;
        var mismatch = requestedFamilies.Any(f => !served.Contains(f))
            || (requestedFamilies.Length > 0 && policy != FamilyPolicy.PreferDualStack && requestedFamilies.Length != families.Length);
        if (mismatch)
        {
            error = $"the requested addresses {string.Join(", ", requested)} do not match the Service's IP families ({string.Join(", ", families.Select(f => f.KubernetesName()))})";
            return false;
        }

        return true;
    }
}
