using Dapr.Client;
using IronLb.Core.State;
using Microsoft.Extensions.Options;

namespace IronLb.Dapr;

/// <summary><see cref="IStateStore"/> over the Dapr state API, storing the caller's bytes unchanged.</summary>
/// <remarks>
/// <para>The byte-level SDK calls are used throughout because the generic ones serialise values as JSON themselves: a
/// byte[] would come back as a base64 string and differ from the file store.</para>
/// <para>No concurrency option is ever sent. With an ETag, daprd compares it (an unspecified concurrency is not
/// last-write); without one the write is unconditional. First-write concurrency would add nothing safe: on state.redis it
/// overwrites a key that carries no first-write marker and fails as gRPC Internal on one that does, and it would put
/// that marker on every key, after which an ETag-less write to the key fails.</para>
/// <para>A lost comparison is recognised only by its status code: daprd answers gRPC Aborted (an ETagError of kind
/// mismatch), which Dapr.Client's Try* methods turn into false. Every other failure is an exception. State.redis also
/// reports a failed save that carried an ETag as a mismatch when Redis itself failed, so a false may mean "the store
/// blinked"; callers re-read, which then fails loudly if the store is really down.</para>
/// </remarks>
internal sealed class DaprStateStore(DaprClient client, IOptions<DaprMessagingOptions> options) : IStateStore
{
    private readonly string _storeName = options.Value.StateStoreName;

    public async Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var (value, etag) = await client.GetByteStateAndETagAsync(_storeName, key, cancellationToken: cancellationToken).ConfigureAwait(false);

        // Dapr answers an absent key with empty data and no ETag; a stored value always has an ETag.
        return string.IsNullOrEmpty(etag) ? new StateEntry(key, null, string.Empty) : new StateEntry(key, value.ToArray(), etag);
    }

    // daprd's bulk get reports a key it could not read in the item's error field, which Dapr.Client drops: the key would
    // read as absent while Redis is down, and a reader would act on "nothing stored". Reading key by key surfaces the
    // failure as an exception instead; the callers read two or three keys at a time.
    public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return await Task.WhenAll(keys.Select(key => GetAsync(key, cancellationToken))).ConfigureAwait(false);
    }

    public async Task<bool> TrySaveAsync(string key, ReadOnlyMemory<byte> value, string? etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (string.IsNullOrEmpty(etag))
        {
            await client.SaveByteStateAsync(_storeName, key, value, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }

        return await client.TrySaveByteStateAsync(_storeName, key, value, etag, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryDeleteAsync(string key, string? etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (string.IsNullOrEmpty(etag))
        {
            await client.DeleteStateAsync(_storeName, key, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }

        return await client.TryDeleteStateAsync(_storeName, key, etag, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
