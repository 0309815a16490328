using System.Globalization;

namespace IronLb.Core.Events;

/// <summary>One public event before it is put in its CloudEvent envelope: what changed, on which subject, at which version.</summary>
/// <param name="Type">One of <see cref="EventTypes"/>.</param>
/// <param name="Subject">The object it is about (<see cref="EventSubjects"/>); events of one subject form one ordered sequence.</param>
/// <param name="Version">The subject's version after the change; grows with every change of the subject.</param>
/// <param name="PreviousVersion">The version of the subject's previous event, 0 when it had none (new, or back after a release).</param>
/// <param name="Data">The type's own fields (the records in <see cref="EventData"/>); version and previousVersion are added to them.</param>
/// <param name="IdSuffix">Distinguishes events that do not advance their subject's version (config rejected): part of the id, else null.</param>
public sealed record IntegrationEvent(string Type, string Subject, long Version, long PreviousVersion, object Data, string? IdSuffix = null)
{
    /// <summary>
    /// The CloudEvent id: derived from the state change (subject and version), never random, so re-emitting the same
    /// change (a replayed doorbell, a retried publish) gives the same id and a consumer drops the copy.
    /// </summary>
    public string Id => Subject + "@" + Version.ToString(CultureInfo.InvariantCulture) + (IdSuffix is null ? "" : "/" + IdSuffix);
}
