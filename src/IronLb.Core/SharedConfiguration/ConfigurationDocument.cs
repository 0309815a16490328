using System.Security.Cryptography;
using IronLb.Core.Configuration;
using IronLb.Core.Contracts;

namespace IronLb.Core.SharedConfiguration;

/// <summary>The validated configuration as stored under StateKeys.Config, with the version every service compares.</summary>
/// <param name="Version">Grows by one with every accepted change.</param>
/// <param name="Digest">SHA-256 of the configuration's canonical JSON (and of <see cref="PeerPasswords"/>): equal digests, equal configurations.</param>
/// <param name="Source">Where it was read from (a folder, or "kubernetes").</param>
/// <param name="AcceptedAt">When the writer accepted it.</param>
/// <param name="Configuration">The configuration itself; as stored, without Secrets or clear-text passwords (<see cref="ConfigurationRedaction"/>).</param>
public sealed record ConfigurationDocument(long Version, string Digest, string Source, DateTimeOffset AcceptedAt, ClusterConfiguration Configuration)
{
    /// <summary>Where each BGPPeer that has a password finds it; the passwords themselves are never in the document.</summary>
    public IReadOnlyList<PeerPasswordReference> PeerPasswords { get; init; } = [];

    /// <summary>The digest of a configuration.</summary>
    public static string DigestOf(ClusterConfiguration configuration) =>
        Convert.ToHexStringLower(SHA256.HashData(configuration.ToCanonicalJson()));

    /// <summary>
    /// The digest of a redacted configuration and its password references. Taken over what is stored only, so the
    /// digest (which /status shows) gives no way to test guesses of a password.
    /// </summary>
    public static string DigestOf(ClusterConfiguration stored, IReadOnlyList<PeerPasswordReference> references)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(references);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(stored.ToCanonicalJson());
        if (references.Count > 0)
        {
            hash.AppendData(ContractJson.Serialize(references));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
