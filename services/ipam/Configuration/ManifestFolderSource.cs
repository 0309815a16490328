using IronLb.Core.Configuration;
using IronLb.Core.SharedConfiguration;
using IronLb.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace IronLb.Ipam.Configuration;

/// <summary>Reads the configuration from a folder of manifests, validates it and stores it when it is valid.</summary>
/// <remarks>
/// An invalid folder never replaces the last valid configuration (<see cref="ConfigurationIntake"/>). The folder is fingerprinted on a poll as well as watched,
/// because file-system notifications are lost on some file systems (network mounts, ConfigMap symlink swaps).
/// An unchanged folder is submitted again when the store no longer holds a configuration (Redis restarted without
/// persistence): a folder has no status to adopt, so it is the only copy, and every service waits for it.
/// </remarks>
internal sealed partial class ManifestFolderSource(
    ConfigurationIntake intake,
    ConfigurationState state,
    [FromKeyedServices(IpamRegistration.ConfigurationComponent)] ReadinessGate readiness,
    IOptions<IpamOptions> options,
    TimeProvider time,
    ILogger<ManifestFolderSource> logger) : BackgroundService
{
    private readonly ManifestFolderCache _folder = new();
    private string? _fingerprint;

    /// <summary>Loads the folder once if it changed; returns the errors found (empty when it was accepted or unchanged).</summary>
    public async Task<IReadOnlyList<ConfigurationError>> LoadIfChangedAsync(string directory, CancellationToken cancellationToken)
    {
        var fingerprint = Fingerprint(directory);
        if (fingerprint == _fingerprint && await state.ReadAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            return [];
        }

        // Only the files that changed are parsed again (one new Service file among thousands costs one file's work).
        var loaded = _folder.Load(directory);
        var configuration = WithImplicitNode(loaded.Configuration, options.Value.ImplicitNode);
        var errors = await intake.SubmitAsync(Path.GetFullPath(directory), configuration, loaded.Errors, cancellationToken).ConfigureAwait(false);
        _fingerprint = fingerprint;
        return errors;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.ConfigDirectory is not { } directory)
        {
            readiness.MarkReady();
            return;
        }

        using var changed = new SemaphoreSlim(0, 1);
        using var watcher = Watch(directory, changed);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await LoadIfChangedAsync(directory, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Fail static: the stored configuration stays; the next change or poll tries again.
                _fingerprint = null;
                _folder.Clear();
                LogLoadFailed(logger, directory, ex);
            }

            using var poll = new CancellationTokenSource(settings.ConfigPollInterval, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, poll.Token);
            try
            {
                await changed.WaitAsync(either.Token).ConfigureAwait(false);

                // Editors write a file in several steps; let them finish before reading.
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The poll interval elapsed.
            }
        }
    }

    private static FileSystemWatcher? Watch(string directory, SemaphoreSlim changed)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        void Ring(object? sender, EventArgs e)
        {
            if (changed.CurrentCount == 0)
            {
                try
                {
                    changed.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already rung.
                }
            }
        }

        watcher.Changed += Ring;
        watcher.Created += Ring;
        watcher.Deleted += Ring;
        watcher.Renamed += Ring;
        return watcher;
    }

    private static ClusterConfiguration WithImplicitNode(ClusterConfiguration configuration, string? node) =>
        node is null || configuration.Nodes.Any(n => n.Name == node)
            ? configuration
            : configuration with { Nodes = [.. configuration.Nodes, new Node { ApiVersion = "v1", Metadata = new ObjectMeta { Name = node }, SourceFile = "(implicit: --node)" }] };

    /// <summary>Names, sizes and write times of the manifest files: cheap, and changes whenever a file does.</summary>
    private static string Fingerprint(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return "missing";
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(f => new FileInfo(f))
            .Select(f => $"{f.FullName}|{f.Length}|{f.LastWriteTimeUtc.Ticks}");
        return string.Join('\n', files);
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not load the configuration from {Directory}")]
    private static partial void LogLoadFailed(ILogger logger, string directory, Exception exception);
}
