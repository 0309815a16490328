using System.Text;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using IronLb.Core.State;
using Microsoft.Extensions.Options;

namespace IronLb.Dapr;

/// <summary><see cref="IStateStore"/> over the Dapr state API, storing the caller's bytes unchanged.</summary>
/// <remarks>
/// The byte-level SDK calls are used throughout because the generic ones serialise values as JSON
/// themselves: a byte[] would come back as a base64 string and differ from the file store.
/// ETag operations use first-write concurrency, which is what makes "" mean create-if-absent.
/// </remarks>
internal sealed class DaprStateStore(DaprClient client, IOptions<DaprMessagingOptions> options) : IStateStore
{
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };
    private readonly string _storeName = options.Value.StateStoreName;

    public async Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var (value, etag) = await client.GetByteStateAndETagAsync(_storeName, key, cancellationToken: cancellationToken).ConfigureAwait(false);

        // Dapr answers an absent key with empty data and no ETag; a stored value always has an ETag.
        return string.IsNullOrEmpty(etag) ? new StateEntry(key, null, string.Empty) : new StateEntry(key, value.ToArray(), etag);
    }

    public async Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        var items = await client.GetBulkStateAsync(_storeName, keys.Distinct(StringComparer.Ordinal).ToList(), parallelism: null, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        var byKey = new Dictionary<string, BulkStateItem>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            byKey[item.Key] = item;
        }

        // The SDK hands bulk values back as UTF-8 text; state values are JSON, so re-encoding restores
        // the stored bytes exactly. The sidecar may answer in any order: put them back in the caller's.
        return keys.Select(key => byKey.TryGetValue(key, out var item) && !string.IsNullOrEmpty(item.ETag)
                ? new StateEntry(key, Encoding.UTF8.GetBytes(item.Value ?? string.Empty), item.ETag)
                : new StateEntry(key, null, string.Empty))
            .ToArray();
    }

    public async Task<bool> TrySaveAsync(string key, ReadOnlyMemory<byte> value, string? etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (etag is null)
        {
            await client.SaveByteStateAsync(_storeName, key, value, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }

        return await client.TrySaveByteStateAsync(_storeName, key, value, etag, FirstWrite, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryDeleteAsync(string key, string? etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (etag is null)
        {
            await client.DeleteStateAsync(_storeName, key, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }

        return await client.TryDeleteStateAsync(_storeName, key, etag, FirstWrite, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryTransactAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0)
        {
            return true;
        }

        var requests = operations.Select(operation => new StateTransactionRequest(
                operation.Key,
                operation.Kind == StateOperationKind.Upsert ? operation.Value.ToArray() : null,
                operation.Kind == StateOperationKind.Upsert ? StateOperationType.Upsert : StateOperationType.Delete,
                operation.ETag,
                options: operation.ETag is null ? null : FirstWrite))
            .ToList();
        try
        {
            await client.ExecuteStateTransactionAsync(_storeName, requests, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DaprException exception) when (IsETagConflict(exception))
        {
            return false;
        }
    }

    // The transaction API has no Try form. The sidecar reports a lost ETag comparison as Aborted;
    // daprd in front of some stores wraps it in Internal with an "etag" message. Anything else is
    // an outage and must surface, or callers would retry a dead store as if it were a conflict.
    private static bool IsETagConflict(DaprException exception) =>
        exception.InnerException is RpcException rpc
        && (rpc.StatusCode == StatusCode.Aborted
            || (rpc.StatusCode == StatusCode.Internal && rpc.Status.Detail.Contains("etag", StringComparison.OrdinalIgnoreCase)));
}
