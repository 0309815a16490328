using System.Security.Cryptography;
using System.Text;

namespace IronLb.Core.Events;

/// <summary>The public events of configuration intake. Pure.</summary>
public static class ConfigurationEvents
{
    /// <summary>config.accepted: the set was stored as configuration <paramref name="version"/> (versions grow by one per stored set).</summary>
    public static IntegrationEvent Accepted(long version, string source, string digest) =>
        new(EventTypes.ConfigAccepted, EventSubjects.Configuration, version, Math.Max(0, version - 1), new EventData.ConfigAccepted(source, digest));

    /// <summary>
    /// config.rejected: the set was refused, so the configuration stays at <paramref name="currentVersion"/>. It does not
    /// advance the subject's version; its id carries a digest of the errors, so the same refusal repeated keeps its id.
    /// </summary>
    public static IntegrationEvent Rejected(long currentVersion, string source, IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source + "\n" + string.Join('\n', errors))))[..16];
        return new IntegrationEvent(EventTypes.ConfigRejected, EventSubjects.Configuration, currentVersion, currentVersion,
            new EventData.ConfigRejected(source, errors), "rejected-" + digest);
    }
}
