using IronLb.Core.Configuration;

namespace IronLb.Core.SharedConfiguration;

/// <summary>What of a configuration may be stored and shared, and the passwords that may not. Pure.</summary>
/// <param name="Stored">The configuration without Secrets and without any BGPPeer's clear-text password.</param>
/// <param name="References">Where each peer that has a password finds it.</param>
/// <param name="Passwords">The clear-text passwords by peer name, for a process that keeps them in memory only.</param>
public sealed record RedactedConfiguration(
    ClusterConfiguration Stored,
    IReadOnlyList<PeerPasswordReference> References,
    IReadOnlyDictionary<string, string> Passwords);

/// <summary>
/// Takes every secret out of a configuration before it is stored: the state store (Redis in a cluster, files on a
/// single host) and the events never hold a password, only a reference to where it is kept.
/// </summary>
public static class ConfigurationRedaction
{
    /// <summary>Splits <paramref name="configuration"/> into what may be stored and the passwords that stay out.</summary>
    public static RedactedConfiguration Redact(ClusterConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var references = new List<PeerPasswordReference>();
        var passwords = new Dictionary<string, string>(StringComparer.Ordinal);
        var peers = new List<BgpPeer>(configuration.BgpPeers.Count);
        foreach (var peer in configuration.BgpPeers)
        {
            var spec = peer.Spec;
            if (!string.IsNullOrEmpty(spec.Password))
            {
                references.Add(new PeerPasswordReference(peer.Name, null, null));
                passwords[peer.Name] = spec.Password;
            }
            else if (spec.PasswordSecret is { Name.Length: > 0 } secretReference)
            {
                var ns = secretReference.Namespace.Length > 0 ? secretReference.Namespace : peer.Namespace;
                references.Add(new PeerPasswordReference(peer.Name, ns, secretReference.Name));
                var secret = configuration.Secrets.FirstOrDefault(s => s.Name == secretReference.Name && s.Namespace == ns);
                if (secret?.GetValue(PeerPasswordReference.SecretKey) is { } value)
                {
                    passwords[peer.Name] = value;
                }
            }

            peers.Add(spec.Password is null ? peer : peer with { Spec = spec with { Password = null } });
        }

        var stored = configuration with { BgpPeers = ValueList.From(peers), Secrets = [] };
        return new RedactedConfiguration(stored, references, passwords);
    }
}
