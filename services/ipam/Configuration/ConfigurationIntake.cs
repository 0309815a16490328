using IronLb.Core.Configuration;
using IronLb.Core.Events;
using IronLb.Core.SharedConfiguration;
using IronLb.ServiceDefaults;

namespace IronLb.Ipam.Configuration;

/// <summary>Where every configuration source hands in what it read: an invalid set is reported and rejected, a valid one stored.</summary>
/// <remarks>
/// The one rule both sources (a manifests folder, the Kubernetes API) keep: an invalid set never replaces the last valid
/// configuration. Its errors are logged and shown in /status, and the services keep running on what they had.
/// </remarks>
internal sealed partial class ConfigurationIntake(
    ConfigurationState state,
    ConfigurationSourceStatus status,
    CurrentConfiguration current,
    IntegrationEvents events,
    [FromKeyedServices(IpamRegistration.ConfigurationComponent)] ReadinessGate readiness,
    TimeProvider time,
    ILogger<ConfigurationIntake> logger)
{
    /// <summary>Validates <paramref name="configuration"/> and stores it if valid; returns every error (the loader's first), empty when accepted.</summary>
    public async Task<IReadOnlyList<ConfigurationError>> SubmitAsync(
        string source, ClusterConfiguration configuration, IReadOnlyList<ConfigurationError> loadErrors, CancellationToken cancellationToken)
    {
        var errors = loadErrors.Concat(ConfigurationValidator.Validate(configuration)).ToList();
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                LogInvalid(logger, source, error.ToString());
            }

            status.Rejected(source, errors, time.GetUtcNow());
            events.Emit(IpamRegistration.Component, [ConfigurationEvents.Rejected(current.Document?.Version ?? 0, source, [.. errors.Select(e => e.ToString())])]);
            return errors;
        }

        var document = await state.PublishAsync(configuration, source, cancellationToken).ConfigureAwait(false);
        status.Accepted(source, document);
        events.Emit(IpamRegistration.Component, [ConfigurationEvents.Accepted(document.Version, source, document.Digest)]);
        readiness.MarkReady();
        LogAccepted(logger, source, document.Version, document.Digest);
        return [];
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Configuration from {Source} accepted as version {Version} ({Digest})")]
    private static partial void LogAccepted(ILogger logger, string source, long version, string digest);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Invalid configuration from {Source}, keeping the last valid one: {Error}")]
    private static partial void LogInvalid(ILogger logger, string source, string error);
}
