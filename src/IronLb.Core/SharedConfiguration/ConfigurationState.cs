using IronLb.Core.Configuration;
using IronLb.Core.Contracts;
using IronLb.Core.Messaging;
using IronLb.Core.State;

namespace IronLb.Core.SharedConfiguration;

/// <summary>Reads and writes the shared configuration document, and rings "config changed" after a write.</summary>
public sealed class ConfigurationState(IStateStore store, IEventPublisher publisher, TimeProvider time)
{
    /// <summary>The stored document, or null when none was written yet.</summary>
    public async Task<ConfigurationDocument?> ReadAsync(CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(StateKeys.Config, cancellationToken).ConfigureAwait(false);
        return entry.Value is null ? null : ContractJson.Deserialize<ConfigurationDocument>(entry.Value);
    }

    /// <summary>
    /// Stores <paramref name="configuration"/> as the next version unless the stored one is identical, then publishes
    /// "config changed". Compare-and-swap: two writers racing each get a distinct version or find theirs already stored.
    /// </summary>
    /// <returns>The stored document: the new one, or the existing one when nothing changed.</returns>
    public async Task<ConfigurationDocument> PublishAsync(ClusterConfiguration configuration, string source, CancellationToken cancellationToken)
    {
        var digest = ConfigurationDocument.DigestOf(configuration);
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

            var stored = entry.Value is null ? null : ContractJson.Deserialize<ConfigurationDocument>(entry.Value);
            if (stored is not null && stored.Digest == digest)
            {
                return stored;
            }

            var next = new ConfigurationDocument((stored?.Version ?? 0) + 1, digest, source, time.GetUtcNow(), configuration);
            if (await store.TrySaveAsync(StateKeys.Config, ContractJson.Serialize(next), entry.ETag, cancellationToken).ConfigureAwait(false))
            {
                await publisher.PublishAsync(Topics.ConfigChanged, ContractJson.Serialize(new StateChanged(next.Version)), cancellationToken).ConfigureAwait(false);
                return next;
            }

            if (attempt == attempts)
            {
                throw new InvalidOperationException($"The configuration changed under us {attempts} times in a row; giving up this write.");
            }
        }
    }
}
