using IronLb.Core.Configuration;
using IronLb.Core.Contracts;
using IronLb.Core.Messaging;
using IronLb.Core.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronLb.Core.SharedConfiguration;

/// <summary>Reads and writes the shared configuration document, and rings "config changed" after a write.</summary>
/// <remarks>
/// What is written is redacted (<see cref="ConfigurationRedaction"/>): no Secret and no BGP password reaches the state
/// store or the bus. Where one process hosts every service, an <see cref="IPeerPasswordSink"/> keeps the passwords in
/// memory; elsewhere the bgp service reads them from its Dapr secret store.
/// Versions never go back while this process lives: every service ignores a configuration version at or below the one
/// it applied, so after the store lost the document (Redis restarted without persistence) the next one continues from
/// the highest version this process read or wrote, not from 1.
/// </remarks>
public sealed partial class ConfigurationState(
    IStateStore store,
    IEventPublisher publisher,
    TimeProvider time,
    ILogger<ConfigurationState>? logger = null,
    IPeerPasswordSink? passwords = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private readonly VersionFloor _versions = new();

    /// <summary>The stored document, or null when none was written yet.</summary>
    public async Task<ConfigurationDocument?> ReadAsync(CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(StateKeys.Config, cancellationToken).ConfigureAwait(false);
        return Seen(entry.Value is null ? null : ContractJson.Deserialize<ConfigurationDocument>(entry.Value));
    }

    /// <summary>
    /// Stores <paramref name="configuration"/>, redacted, as the next version unless the stored one is identical, then
    /// publishes "config changed". Compare-and-swap: two writers racing each get a distinct version or find theirs
    /// already stored.
    /// </summary>
    /// <returns>The stored document: the new one, or the existing one when nothing changed.</returns>
    public async Task<ConfigurationDocument> PublishAsync(ClusterConfiguration configuration, string source, CancellationToken cancellationToken)
    {
        var redacted = ConfigurationRedaction.Redact(configuration);
        ShareOrWarn(redacted);
        var digest = ConfigurationDocument.DigestOf(redacted.Stored, redacted.References);
        const int attempts = 20;
        for (int attempt = 1; ; attempt++)
        {
            var entry = await store.GetAsync(StateKeys.Config, cancellationToken).ConfigureAwait(false);
            if (!entry.Exists)
            {
                // Never create by an unconditional write: two intakes racing on an empty store would overwrite each other.
                await store.EnsureAsync(StateKeys.Config, cancellationToken).ConfigureAwait(false);
                entry = await store.GetAsync(StateKeys.Config, cancellationToken).ConfigureAwait(false);
            }

            var stored = Seen(entry.Value is null ? null : ContractJson.Deserialize<ConfigurationDocument>(entry.Value));
            if (stored is not null && stored.Digest == digest)
            {
                return stored;
            }

            var next = new ConfigurationDocument(_versions.Next(stored?.Version ?? 0), digest, source, time.GetUtcNow(), redacted.Stored)
            {
                PeerPasswords = redacted.References,
            };
            if (await store.TrySaveAsync(StateKeys.Config, ContractJson.Serialize(next), entry.ETag, cancellationToken).ConfigureAwait(false))
            {
                Seen(next);
                await publisher.PublishAsync(Topics.ConfigChanged, ContractJson.Serialize(new StateChanged(next.Version)), cancellationToken).ConfigureAwait(false);
                return next;
            }

            if (attempt == attempts)
            {
                throw new InvalidOperationException($"The configuration changed under us {attempts} times in a row; giving up this write.");
            }
        }
    }

    private ConfigurationDocument? Seen(ConfigurationDocument? document)
    {
        if (document is not null)
        {
            _versions.Note(document.Version);
        }

        return document;
    }

    // Before the document is stored, so a bgp agent in this process finds the passwords as soon as it reads it.
    private void ShareOrWarn(RedactedConfiguration redacted)
    {
        if (passwords is not null)
        {
            passwords.Replace(redacted.Passwords);
            return;
        }

        foreach (var reference in redacted.References.Where(r => r.IsInline))
        {
            LogInlinePasswordNotShared(_logger, reference.Peer);
        }
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "BGPPeer/{Peer} gives its password in clear (spec.password); separate services share passwords only through a secret store, so its session is not opened. Put the password in a Secret and set spec.passwordSecret")]
    private static partial void LogInlinePasswordNotShared(ILogger logger, string peer);
}
