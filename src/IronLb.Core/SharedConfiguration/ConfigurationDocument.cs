using System.Security.Cryptography;
using IronLb.Core.Configuration;

namespace IronLb.Core.SharedConfiguration;

/// <summary>The validated configuration as stored under StateKeys.Config, with the version every service compares.</summary>
/// <param name="Version">Grows by one with every accepted change.</param>
/// <param name="Digest">SHA-256 of the configuration's canonical JSON: equal digests, equal configurations.</param>
/// <param name="Source">Where it was read from (a folder, or "kubernetes").</param>
/// <param name="AcceptedAt">When the writer accepted it.</param>
/// <param name="Configuration">The configuration itself.</param>
public sealed record ConfigurationDocument(long Version, string Digest, string Source, DateTimeOffset AcceptedAt, ClusterConfiguration Configuration)
{
    /// <summary>The digest of a configuration.</summary>
    public static string DigestOf(ClusterConfiguration configuration) =>
        Convert.ToHexStringLower(SHA256.HashData(configuration.ToCanonicalJson()));
}
