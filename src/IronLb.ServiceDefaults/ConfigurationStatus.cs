using IronLb.Core.SharedConfiguration;
using Microsoft.Extensions.DependencyInjection;

namespace IronLb.ServiceDefaults;

/// <summary>The "config" part of /status: the configuration version this process has applied and what it holds.</summary>
internal sealed class ConfigurationStatus(IServiceProvider services) : IStatusContributor
{
    public string Section => "config";

    public object Snapshot()
    {
        var document = services.GetService<CurrentConfiguration>()?.Document;
        var configuration = document?.Configuration;
        return new
        {
            version = document?.Version ?? 0,
            digest = document?.Digest,
            source = document?.Source,
            acceptedAt = document?.AcceptedAt,
            ipAddressPools = configuration?.IpAddressPools.Select(p => p.Name).ToList() ?? [],
            l2Advertisements = configuration?.L2Advertisements.Select(a => a.Name).ToList() ?? [],
            bgpAdvertisements = configuration?.BgpAdvertisements.Select(a => a.Name).ToList() ?? [],
            bgpPeers = configuration?.BgpPeers.Select(p => p.Name).ToList() ?? [],
            bfdProfiles = configuration?.BfdProfiles.Select(p => p.Name).ToList() ?? [],
            communities = configuration?.Communities.Select(c => c.Name).ToList() ?? [],
            services = configuration?.Services.Count ?? 0,
            nodes = configuration?.Nodes.Select(n => n.Name).ToList() ?? [],
        };
    }
}
