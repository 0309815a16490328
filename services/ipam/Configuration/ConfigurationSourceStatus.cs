using IronLb.Core.Configuration;
using IronLb.Core.SharedConfiguration;
using IronLb.ServiceDefaults;

namespace IronLb.Ipam.Configuration;

/// <summary>The "configSource" part of /status: where ipam reads the configuration, and the errors of the last rejected attempt.</summary>
internal sealed class ConfigurationSourceStatus(CurrentConfiguration current) : IStatusContributor
{
    private volatile Rejection? _rejection;
    private volatile string? _directory;

    public string Section => "configSource";

    /// <summary>True while the latest configuration was rejected and an older one stays in force.</summary>
    public bool Stale => _rejection is not null;

    /// <summary>True once a configuration has been loaded.</summary>
    public bool Loaded => current.Document is not null;

    public void Accepted(string directory, ConfigurationDocument document)
    {
        _directory = directory;
        _rejection = null;
        current.TryApply(document);
    }

    public void Rejected(string directory, IReadOnlyList<ConfigurationError> errors, DateTimeOffset at)
    {
        _directory = directory;
        _rejection = new Rejection(at, [.. errors.Select(e => e.ToString())]);
    }

    object IStatusContributor.Snapshot() => new { directory = _directory, lastRejected = _rejection };

    private sealed record Rejection(DateTimeOffset At, IReadOnlyList<string> Errors);
}
