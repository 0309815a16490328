namespace IronLb.LocalSidecar.Hosting;

/// <summary>Identity of this sidecar process: the {uuid} template value and its Redis consumer name.</summary>
internal sealed class SidecarInstance(SidecarOptions options)
{
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>Unique per process, so a restarted sidecar is a new consumer and its predecessor's pending
    /// entries are reclaimed by whoever is alive after processingTimeout.</summary>
    public string ConsumerName => $"{options.EffectivePodName}-{Id:N}";
}
