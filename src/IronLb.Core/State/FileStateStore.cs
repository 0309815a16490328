using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IronLb.Core.State;

/// <summary>A durable <see cref="IStateStore"/> in a directory: one file per key, a journal for transactions.</summary>
/// <remarks>
/// Every file reaches its final name only by renaming a flushed temporary file, so a crash leaves
/// either the old or the new content of a key, never a torn one. A transaction of several steps
/// is first written whole to a journal (itself committed by rename), then applied key by key; a
/// journal found at open belongs to a committed transaction that may be half applied, and is
/// replayed, which is safe because it records the resulting version of every key.
/// The whole store is held in memory (it holds small documents) behind an immutable snapshot, so
/// reads never wait for writers and a bulk read sees one consistent moment. Writers are serialised
/// in-process by a gate and across processes by an exclusive lock on a file in the directory.
/// Versions restart at 1 when a deleted key is created again, as the Redis state store's do, and the ETag rules are
/// state.redis's (<see cref="ETagCondition"/>): no stricter than the store production runs on.
/// The directory itself is not fsynced after a rename (.NET has no call for it); on journaling
/// file systems the rename is committed after the data it points to, which is what matters here.
/// </remarks>
internal sealed partial class FileStateStore : IStateStore, IDisposable
{
    private const string RecordExtension = ".rec";
    private const string TemporaryExtension = ".tmp";
    private const string JournalName = "transaction.journal";
    private const string LockName = "store.lock";

    private readonly string _directory;
    private readonly FileStream _lockFile;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private ImmutableDictionary<string, StateRecord> _records;
    private volatile bool _faulted;
    private volatile bool _disposed;

    private FileStateStore(string directory, FileStream lockFile, ImmutableDictionary<string, StateRecord> records, ILogger logger)
    {
        _directory = directory;
        _lockFile = lockFile;
        _records = records;
        _logger = logger;
    }

    /// <summary>Opens (creating if needed) the store in <paramref name="directory"/>, finishing any transaction a crash interrupted.</summary>
    /// <exception cref="IOException">Another process holds the store open.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder exists with rights for group or others (see <see cref="FileStateStorePermissions"/>).</exception>
    public static FileStateStore Open(string directory, ILogger<FileStateStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var log = (ILogger?)logger ?? NullLogger.Instance;
        var fullPath = Path.GetFullPath(directory);
        FileStateStorePermissions.EnsurePrivateDirectory(fullPath);
        var lockFile = AcquireLock(fullPath);
        try
        {
            RemoveTemporaryFiles(fullPath, log);
            var records = LoadRecords(fullPath);
            var journalPath = Path.Combine(fullPath, JournalName);
            if (File.Exists(journalPath))
            {
                var steps = StateRecordCodec.DecodeJournal(File.ReadAllBytes(journalPath));
                Log.ReplayingJournal(log, steps.Count);
                records = ApplySteps(fullPath, records, steps);
                File.Delete(journalPath);
            }

            Log.Opened(log, fullPath, records.Count);
            return new FileStateStore(fullPath, lockFile, records, log);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    public Task<StateEntry> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        ArgumentException.ThrowIfNullOrEmpty(key);
        return Task.FromResult(ToEntry(Volatile.Read(ref _records), key));
    }

    public Task<IReadOnlyList<StateEntry>> GetBulkAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        ArgumentNullException.ThrowIfNull(keys);
        var snapshot = Volatile.Read(ref _records);
        IReadOnlyList<StateEntry> entries = keys.Select(key => ToEntry(snapshot, key)).ToArray();
        return Task.FromResult(entries);
    }

    public Task<bool> TrySaveAsync(string key, ReadOnlyMemory<byte> value, string? etag, CancellationToken cancellationToken = default) =>
        TryApplyAsync([StateOperation.Upsert(key, value, etag)], cancellationToken);

    public Task<bool> TryDeleteAsync(string key, string? etag, CancellationToken cancellationToken = default) =>
        TryApplyAsync([StateOperation.Delete(key, etag)], cancellationToken);

    /// <summary>Applies several steps all or nothing. Not part of <see cref="IStateStore"/>: the production store has no
    /// such transaction, so services cannot use it; it remains for the journal's own crash tests.</summary>
    internal async Task<bool> TryApplyAsync(IReadOnlyList<StateOperation> operations, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        ArgumentNullException.ThrowIfNull(operations);
        foreach (var operation in operations)
        {
            ArgumentException.ThrowIfNullOrEmpty(operation.Key, nameof(operations));
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            var working = _records;
            var steps = new List<JournalStep>(operations.Count);
            foreach (var operation in operations)
            {
                long? current = working.TryGetValue(operation.Key, out var record) ? record.Version : null;
                var holds = operation.Kind == StateOperationKind.Upsert
                    ? ETagCondition.HoldsForWrite(operation.ETag, current)
                    : ETagCondition.HoldsForDelete(operation.ETag, current);
                if (!holds)
                {
                    return false;
                }

                if (operation.Kind == StateOperationKind.Upsert)
                {
                    var next = new StateRecord(operation.Key, (current ?? 0) + 1, operation.Value.ToArray());
                    steps.Add(new JournalStep(StateOperationKind.Upsert, next.Key, next.Version, next.Value));
                    working = working.SetItem(next.Key, next);
                }
                else if (current is not null)
                {
                    steps.Add(new JournalStep(StateOperationKind.Delete, operation.Key, 0, []));
                    working = working.Remove(operation.Key);
                }
            }

            Persist(steps);
            Volatile.Write(ref _records, working);
            return true;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _lockFile.Dispose();
        _writeGate.Dispose();
    }

    private void Persist(List<JournalStep> steps)
    {
        try
        {
            if (steps.Count > 1)
            {
                // Commit point of a multi-key transaction: once the journal has its final name,
                // the transaction happens, even if we crash before the last key file is written.
                var journalPath = Path.Combine(_directory, JournalName);
                WriteFileAtomically(journalPath, StateRecordCodec.EncodeJournal(steps));
                ApplyStepsToDisk(_directory, steps);
                File.Delete(journalPath);
            }
            else
            {
                ApplyStepsToDisk(_directory, steps);
            }
        }
        catch (Exception exception)
        {
            // Memory and disk may now disagree; reopening replays the journal and reloads the truth.
            _faulted = true;
            Log.Faulted(_logger, exception);
            throw;
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted)
        {
            throw new InvalidOperationException("The state store failed to write and must be reopened.");
        }
    }

    private static StateEntry ToEntry(ImmutableDictionary<string, StateRecord> snapshot, string key) =>
        snapshot.TryGetValue(key, out var record)
            ? new StateEntry(key, record.Value.ToArray(), ETagCondition.Format(record.Version))
            : new StateEntry(key, null, string.Empty);

    private static FileStream AcquireLock(string directory)
    {
        var path = Path.Combine(directory, LockName);
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock on Unix), held for the store's lifetime.
            return new FileStream(path, FileStateStorePermissions.PrivateFile(FileMode.OpenOrCreate, FileAccess.ReadWrite));
        }
        catch (IOException exception)
        {
            throw new IOException($"The state store in '{directory}' is already open elsewhere.", exception);
        }
    }

    private static void RemoveTemporaryFiles(string directory, ILogger logger)
    {
        var count = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*" + TemporaryExtension))
        {
            File.Delete(path);
            count++;
        }

        if (count > 0)
        {
            Log.RemovedTemporaryFiles(logger, count);
        }
    }

    private static ImmutableDictionary<string, StateRecord> LoadRecords(string directory)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, StateRecord>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(directory, "*" + RecordExtension))
        {
            var record = StateRecordCodec.DecodeRecord(File.ReadAllBytes(path));
            if (!string.Equals(Path.GetFileName(path), RecordFileName(record.Key), StringComparison.Ordinal))
            {
                throw new InvalidDataException($"State file '{path}' holds a key that does not belong to it.");
            }

            builder[record.Key] = record;
        }

        return builder.ToImmutable();
    }

    private static ImmutableDictionary<string, StateRecord> ApplySteps(
        string directory, ImmutableDictionary<string, StateRecord> records, IReadOnlyList<JournalStep> steps)
    {
        ApplyStepsToDisk(directory, steps);
        foreach (var step in steps)
        {
            records = step.Kind == StateOperationKind.Upsert
                ? records.SetItem(step.Key, new StateRecord(step.Key, step.Version, step.Value))
                : records.Remove(step.Key);
        }

        return records;
    }

    private static void ApplyStepsToDisk(string directory, IReadOnlyList<JournalStep> steps)
    {
        foreach (var step in steps)
        {
            var path = Path.Combine(directory, RecordFileName(step.Key));
            if (step.Kind == StateOperationKind.Upsert)
            {
                WriteFileAtomically(path, StateRecordCodec.EncodeRecord(new StateRecord(step.Key, step.Version, step.Value)));
            }
            else
            {
                File.Delete(path);
            }
        }
    }

    private static void WriteFileAtomically(string path, byte[] content)
    {
        var temporary = path + TemporaryExtension;
        using (var stream = new FileStream(temporary, FileStateStorePermissions.PrivateFile(FileMode.Create, FileAccess.Write)))
        {
            stream.Write(content);
            // Flush to the device before the rename, or a crash could expose a renamed but empty file.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    // Keys are arbitrary strings ("ipam||owners/..."); hashing gives safe, bounded file names, and the
    // key itself is kept inside the file.
    private static string RecordFileName(string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + RecordExtension;
}
