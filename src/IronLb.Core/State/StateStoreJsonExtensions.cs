using System.Text.Json;
using IronLb.Core.Contracts;

namespace IronLb.Core.State;

/// <summary>A JSON document read from the state store, with the ETag to write it back.</summary>
/// <param name="Value">The document, or default when the key is absent.</param>
/// <param name="ETag">The stored version, or "" when the key is absent (writing "" back is unconditional: see <see cref="StateGenesis"/>).</param>
public sealed record JsonStateEntry<T>(T? Value, string ETag)
{
    /// <summary>True when the key held a document.</summary>
    public bool Exists => ETag.Length > 0;
}

/// <summary>Raised when a compare-and-swap update keeps losing to other writers.</summary>
public sealed class StateConflictException(string key, int attempts)
    : Exception($"State key '{key}' changed under {attempts} consecutive update attempts.")
{
    /// <summary>The contested key.</summary>
    public string Key { get; } = key;
}

/// <summary>JSON documents over <see cref="IStateStore"/>: every store keeps the same UTF-8 bytes.</summary>
public static class StateStoreJsonExtensions
{
    /// <summary>The contracts' one JSON form (<see cref="ContractJson.Options"/>): web defaults (camelCase), as Dapr's SDK uses.</summary>
    public static JsonSerializerOptions DefaultOptions => ContractJson.Options;

    /// <summary>Reads and deserialises one key.</summary>
    public static async Task<JsonStateEntry<T>> GetJsonAsync<T>(
        this IStateStore store, string key, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var entry = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return entry.Value switch
        {
            null => new JsonStateEntry<T>(default, string.Empty),
            var genesis when StateGenesis.Is(genesis) => new JsonStateEntry<T>(default, entry.ETag),
            var value => new JsonStateEntry<T>(JsonSerializer.Deserialize<T>(value, options ?? DefaultOptions), entry.ETag),
        };
    }

    /// <summary>Serialises and writes one key under the store's ETag rules; false when the ETag condition fails.</summary>
    public static Task<bool> TrySaveJsonAsync<T>(
        this IStateStore store, string key, T value, string? etag, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, options ?? DefaultOptions);
        return store.TrySaveAsync(key, bytes, etag, cancellationToken);
    }

    /// <summary>Read, change, compare-and-swap, repeated until the write wins or <paramref name="maxAttempts"/> are spent.
    /// An absent key is first created through <see cref="StateGenesis"/>, never by an unconditional write.</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The key to update.</param>
    /// <param name="change">Computes the new document from the current one (default when absent); may run several times.</param>
    /// <param name="maxAttempts">How many read-change-write rounds before giving up.</param>
    /// <param name="options">JSON options; <see cref="DefaultOptions"/> when null.</param>
    /// <param name="cancellationToken">Cancels between rounds.</param>
    /// <returns>The document that was written.</returns>
    /// <exception cref="StateConflictException">Every attempt lost to a concurrent writer.</exception>
    public static async Task<T> UpdateJsonAsync<T>(
        this IStateStore store,
        string key,
        Func<T?, T> change,
        int maxAttempts = 16,
        JsonSerializerOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);

        // No delay between rounds: a lost compare-and-swap means another writer just succeeded, so
        // the system as a whole made progress and an immediate re-read sees the newer document.
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = await store.GetJsonAsync<T>(key, options, cancellationToken).ConfigureAwait(false);
            if (!current.Exists)
            {
                // Creating the key is not a lost round: it happens once, then the round goes on from what exists.
                await store.EnsureAsync(key, cancellationToken).ConfigureAwait(false);
                current = await store.GetJsonAsync<T>(key, options, cancellationToken).ConfigureAwait(false);
            }

            var next = change(current.Value);
            if (await store.TrySaveJsonAsync(key, next, current.ETag, options, cancellationToken).ConfigureAwait(false))
            {
                return next;
            }
        }

        throw new StateConflictException(key, maxAttempts);
    }
}
