using IronLb.ServiceDefaults;

namespace IronLb.Bgp.Announcements;

/// <summary>The bgp part of /status: the prefixes this node announces and the intents version they come from.</summary>
internal sealed class BgpStatus : IStatusContributor
{
    private volatile Snapshot _last = new(0, []);

    public string Section => "bgp";

    /// <summary>The prefixes this node announces now.</summary>
    public IReadOnlyList<PrefixAnnouncement> Announcements => _last.Announcements;

    public void Update(long intentsVersion, IReadOnlyList<PrefixAnnouncement> announcements) =>
        _last = new Snapshot(intentsVersion, announcements);

    object IStatusContributor.Snapshot() => _last;

    private sealed record Snapshot(long IntentsVersion, IReadOnlyList<PrefixAnnouncement> Announcements);
}
