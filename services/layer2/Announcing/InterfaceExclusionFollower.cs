using IronLb.Core.SharedConfiguration;

namespace IronLb.Layer2.Announcing;

/// <summary>Keeps the announcer's interface exclusion list equal to the configuration's metallb-excludel2 list.</summary>
internal sealed class InterfaceExclusionFollower(CurrentConfiguration current, Layer2Announcer announcer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        current.Changed += OnChanged;
        if (current.Document is { } document)
        {
            OnChanged(document);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        current.Changed -= OnChanged;
        return Task.CompletedTask;
    }

    private void OnChanged(ConfigurationDocument document) => announcer.SetInterfaceExclusion(document.Configuration.Layer2InterfaceExclusions);
}
